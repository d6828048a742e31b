"""Scheduled rules: rate expressions, and the server's scheduler firing on a fake clock."""
from __future__ import annotations

import json
import time

import boto3
import pytest
from moto import mock_aws

from lambda_helpers import ROLE_POLICY, zip_of
from ws.errors import UsageError
from ws.local.lambdas.scheduled import rate_seconds, scheduled_event, target_payload
from ws.local.lambdas.schedules import Scheduler


@pytest.mark.parametrize("expression, seconds", [
    ("rate(1 minute)", 60), ("rate(5 minutes)", 300), ("rate(2 hours)", 7200),
    ("rate(1 day)", 86400)])
def test_rate_expressions(expression, seconds):
    assert rate_seconds(expression) == seconds


@pytest.mark.parametrize("expression, message", [
    ("cron(0 12 * * ? *)", "cron schedules are not run"), ("rate(0 minutes)", "at least 1"),
    ("every day", "'every day' is not run")])
def test_other_expressions_are_refused_clearly(expression, message):
    with pytest.raises(UsageError, match=message.replace("(", r"\(")):
        rate_seconds(expression)


def test_a_target_input_replaces_the_scheduled_event():
    event = scheduled_event("arn:rule", "123456789012", "us-east-1")
    assert event["detail-type"] == "Scheduled Event" and event["resources"] == ["arn:rule"]
    assert json.loads(target_payload({"Arn": "x"}, event)) == event
    assert target_payload({"Arn": "x", "Input": '{"a": 1}'}, event) == '{"a": 1}'


class RecordingRuntime:
    def __init__(self) -> None:
        self.calls: list[tuple[str, dict]] = []

    def invoke(self, fn, event: str) -> None:
        self.calls.append((fn.function_name, json.loads(event)))


@mock_aws
def test_the_scheduler_fires_rate_rules_each_period_and_skips_cron():
    lam, events = boto3.client("lambda", "us-east-1"), boto3.client("events", "us-east-1")
    role = boto3.client("iam", "us-east-1").create_role(
        RoleName="r", AssumeRolePolicyDocument=ROLE_POLICY)["Role"]["Arn"]
    arn = lam.create_function(FunctionName="tick", Runtime="python3.11", Role=role,
                              Handler="app.handler",
                              Code={"ZipFile": zip_of({"app.py": ""})})["FunctionArn"]
    for name, expression in (("minutely", "rate(1 minute)"), ("noon", "cron(0 12 * * ? *)")):
        events.put_rule(Name=name, ScheduleExpression=expression)
        events.put_targets(Rule=name, Targets=[{"Id": "t", "Arn": arn}])
    now = [0.0]
    runtime = RecordingRuntime()
    scheduler = Scheduler(runtime, clock=lambda: now[0])
    for now[0] in (0, 30, 59, 60, 61, 119, 120):
        scheduler.tick()
    deadline = time.monotonic() + 5  # each firing invokes in its own thread
    while len(runtime.calls) < 2 and time.monotonic() < deadline:
        time.sleep(0.01)
    time.sleep(0.1)  # and no third one comes
    assert [name for name, _ in runtime.calls] == ["tick", "tick"]
    assert scheduler.refused == {events.describe_rule(Name="noon")["Arn"]}
    assert runtime.calls[0][1]["detail-type"] == "Scheduled Event"
