"""MediaConvert's DescribeEndpoints answers the endpoint's own URL, so a function that asks
for it at import runs; its CreateJob is refused, naming MediaConvert."""
from __future__ import annotations

import textwrap

import pytest
from botocore.exceptions import ClientError

from lambda_helpers import Functions

APP = textwrap.dedent("""
    import os
    import boto3

    found = boto3.client("mediaconvert").describe_endpoints()["Endpoints"][0]["Url"]
    client = boto3.client("mediaconvert", endpoint_url=found)

    def handler(event, context):
        client.create_job(Role="arn:aws:iam::123456789012:role/mc", Settings={})
""")


def test_describe_endpoints_answers_the_endpoints_url(aws, moto_url):
    client = aws("mediaconvert")
    assert client.describe_endpoints()["Endpoints"] == [{"Url": moto_url}]
    with pytest.raises(ClientError, match="no mediaconvert API"):
        client.list_jobs()


def test_a_function_asking_at_import_runs_until_the_call_the_endpoint_lacks(aws):
    functions = Functions(aws)
    payload, error = functions.invoke(functions.create("transcode", {"app.py": APP}))
    assert error == "Unhandled"
    assert payload["errorType"] == "ClientError"
    assert "CreateJob operation: The local endpoint has no mediaconvert API" in \
        payload["errorMessage"]
