"""Shared fixtures: one embedded local endpoint (a real moto server) for the test session."""
from __future__ import annotations

import pytest

from ws.local import endpoint


@pytest.fixture(scope="session")
def local_endpoint(tmp_path_factory):
    """The endpoint, started once through ws's own lifecycle code and stopped at the end."""
    state = tmp_path_factory.mktemp("endpoint")
    info = endpoint.start(state)
    yield info
    endpoint.stop(state)


@pytest.fixture
def moto_url(local_endpoint):
    """The endpoint's URL, emptied before each test."""
    endpoint.reset(local_endpoint.url)
    return local_endpoint.url
