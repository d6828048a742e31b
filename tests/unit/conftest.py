"""Fixtures of the unit tests."""
from __future__ import annotations

import boto3
import pytest
from botocore.stub import Stubber


@pytest.fixture
def cfn():
    client = boto3.client("cloudformation", region_name="us-east-1",
                          aws_access_key_id="x", aws_secret_access_key="x")
    with Stubber(client) as stubber:
        client.stubber = stubber
        yield client
        stubber.assert_no_pending_responses()
