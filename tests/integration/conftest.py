"""Fixtures for tests against the embedded local endpoint (a real moto server over HTTP)."""
from __future__ import annotations

import boto3
import pytest

from ws.backend import LOCAL_ENDPOINT_VAR


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
