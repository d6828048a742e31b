"""Fixtures for the store's stacks: fresh handler modules and moto's in-memory AWS."""
from __future__ import annotations

import sys

import boto3
import pytest
from moto import mock_aws

from stack_helpers import import_handler


@pytest.fixture
def load_handler():
    """import_handler, with the modules it made forgotten afterwards."""
    made = []

    def load(stack: str, function: str):
        made.append(import_handler(stack, function))
        return made[-1]

    yield load
    for module in made:
        sys.modules.pop(module.__name__, None)


@pytest.fixture
def aws(monkeypatch):
    """moto's in-memory AWS in us-east-1, with fake credentials; yields a client factory."""
    for var, value in {"AWS_DEFAULT_REGION": "us-east-1", "AWS_ACCESS_KEY_ID": "testing",
                       "AWS_SECRET_ACCESS_KEY": "testing", "AWS_SESSION_TOKEN": "testing"}.items():
        monkeypatch.setenv(var, value)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    with mock_aws():
        yield boto3.client
