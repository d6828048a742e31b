"""Shared fixtures: one embedded local endpoint (a real moto server) for the test session."""
from __future__ import annotations

import boto3
import pytest
from ws.cloud.backend import LOCAL_ENDPOINT_VAR
from ws.local import endpoint as lifecycle


@pytest.fixture(scope="session")
def local_endpoint(tmp_path_factory):
    """The endpoint, started once through ws's own lifecycle code and stopped at the end."""
    state = tmp_path_factory.mktemp("endpoint")
    info = lifecycle.start(state)
    yield info
    lifecycle.stop(state)


@pytest.fixture
def moto_url(local_endpoint):
    """The endpoint's URL, emptied before each test."""
    lifecycle.reset(local_endpoint.url)
    return local_endpoint.url


@pytest.fixture
def endpoint(moto_url, monkeypatch):
    """A clean endpoint that ws uses instead of starting its own."""
    monkeypatch.setenv(LOCAL_ENDPOINT_VAR, moto_url)
    return moto_url


@pytest.fixture
def aws(endpoint):
    """boto3 clients on the endpoint, to check resources through their own service APIs."""
    session = boto3.Session(aws_access_key_id="testing", aws_secret_access_key="testing",
                            region_name="us-east-1")
    return lambda service: session.client(service, endpoint_url=endpoint)
