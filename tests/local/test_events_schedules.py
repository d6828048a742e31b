"""Scheduled rules fire through the event router: every target type, Input transformers."""
from __future__ import annotations

import json
import time

import boto3
from moto import mock_aws

from ws.local.events import bus
from ws.local.events.asyncinvoke import AsyncInvoker
from ws.local.events.router import Router
from ws.local.lambdas.schedules import Scheduler


class NoRuntime:
    def invoke(self, fn, event):  # pragma: no cover - no function in this test
        raise AssertionError("no function here")


@mock_aws
def test_a_scheduled_rule_fills_its_queue_through_an_input_transformer():
    sqs, events = boto3.client("sqs", "us-east-1"), boto3.client("events", "us-east-1")
    url = sqs.create_queue(QueueName="ticks")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])[
        "Attributes"]["QueueArn"]
    events.put_rule(Name="minutely", ScheduleExpression="rate(1 minute)")
    events.put_targets(Rule="minutely", Targets=[{"Id": "q", "Arn": arn, "InputTransformer": {
        "InputPathsMap": {"kind": "$.detail-type"}, "InputTemplate": '{"kind": <kind>}'}}])
    router = Router(workers=1).start()
    now = [0.0]
    scheduler = Scheduler(NoRuntime(), clock=lambda: now[0],
                          fire=bus.scheduled(router, AsyncInvoker(NoRuntime(), router)))
    try:
        for now[0] in (0, 60):
            scheduler.tick()
        deadline = time.monotonic() + 5
        messages: list = []
        while not messages and time.monotonic() < deadline:
            messages = sqs.receive_message(QueueUrl=url).get("Messages", [])
            time.sleep(0.02)
    finally:
        router.stop()
    assert [json.loads(m["Body"]) for m in messages] == [{"kind": "Scheduled Event"}]
