"""Asynchronous invokes, on a fake runtime: event age, destinations' records (in-process moto)."""
from __future__ import annotations

import json
from types import SimpleNamespace

import boto3
from moto import mock_aws

from ws.local.events.asyncinvoke import AsyncInvoker, policy_of
from ws.local.events.router import Router
from ws.local.lambdas.runtime import Outcome

ARN = "arn:aws:lambda:us-east-1:123456789012:function:slow"


class FailingRuntime:
    def __init__(self) -> None:
        self.calls = 0

    def invoke(self, fn, event):
        self.calls += 1
        return Outcome("req-1", b'{"errorType": "Boom", "errorMessage": "no"}', True, "")


def _function(config: dict) -> SimpleNamespace:
    return SimpleNamespace(function_name="slow", function_arn=ARN,
                           event_invoke_config=[SimpleNamespace(config=config)])


def test_lambdas_defaults_and_a_functions_config():
    assert policy_of(SimpleNamespace()) == policy_of(_function({}))
    assert policy_of(_function({})).max_retries == 2
    policy = policy_of(_function({"MaximumRetryAttempts": 0, "MaximumEventAgeInSeconds": 60,
                                  "DestinationConfig": {"OnFailure": {"Destination": "q"}}}))
    assert (policy.max_retries, policy.max_age, policy.on_failure) == (0, 60, "q")


@mock_aws
def test_an_event_older_than_its_maximum_age_is_not_run_and_goes_to_on_failure():
    sqs = boto3.client("sqs", "us-east-1")
    url = sqs.create_queue(QueueName="too-old")["QueueUrl"]
    now = [1000.0]
    runtime = FailingRuntime()
    invoker = AsyncInvoker(runtime, Router(workers=0, clock=lambda: now[0]))
    fn = _function({"MaximumEventAgeInSeconds": 60, "DestinationConfig": {
        "OnFailure": {"Destination": "arn:aws:sqs:us-east-1:123456789012:too-old"}}})
    invoker.attempt(fn, '{"n": 1}', "test", 2, accepted=900.0)  # a retry 100 s after
    assert runtime.calls == 0
    [message] = sqs.receive_message(QueueUrl=url)["Messages"]
    record = json.loads(message["Body"])
    assert record["requestContext"]["condition"] == "EventAgeExceeded"
    assert record["requestContext"]["approximateInvokeCount"] == 1
    assert record["requestPayload"] == {"n": 1} and "responseContext" not in record
