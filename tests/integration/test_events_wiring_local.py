"""A SAM service wired as real projects wire theirs, deployed by ws: rules on a custom bus
(`EventBusName: !Ref Bus`), an SNS subscription with a filter policy, and a function's
EventInvokeConfig sending its failures to a queue. Needs the CloudFormation providers for
AWS::Events::EventBus, AWS::SNS::Subscription and AWS::Lambda::EventInvokeConfig."""
from __future__ import annotations

import json
import time

import pytest

from ws import api
from ws.engine.request import RunRequest
from ws.local import providers
from ws.testing.workspaces import workspace_files, write_tree

NEEDED = {"AWS::Events::EventBus", "AWS::SNS::Subscription", "AWS::Lambda::EventInvokeConfig"}
pytestmark = pytest.mark.skipif(not NEEDED <= {p.TYPE for p in providers.PROVIDERS},
                                reason="the endpoint's providers lack " + ", ".join(sorted(NEEDED)))

SHOP = """Transform: AWS::Serverless-2016-10-31
Resources:
  Bus:
    Type: AWS::Events::EventBus
    Properties: {Name: shop-bus}
  Topic:
    Type: AWS::SNS::Topic
    Properties: {TopicName: shop-orders}
  EuOrders:
    Type: AWS::SQS::Queue
    Properties: {QueueName: shop-eu-orders}
  Failures:
    Type: AWS::SQS::Queue
    Properties: {QueueName: shop-failures}
  EuSubscription:
    Type: AWS::SNS::Subscription
    Properties:
      TopicArn: !Ref Topic
      Protocol: sqs
      Endpoint: !GetAtt EuOrders.Arn
      RawMessageDelivery: true
      FilterPolicy: {region: [eu]}
  Flaky:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/flaky/
      Handler: app.handler
      Runtime: python3.11
      EventInvokeConfig:
        MaximumRetryAttempts: 1
        DestinationConfig:
          OnFailure: {Type: SQS, Destination: !GetAtt Failures.Arn}
      Events:
        Paid:
          Type: EventBridgeRule
          Properties:
            EventBusName: !Ref Bus
            Pattern: {source: [shop.payments], detail-type: [PaymentFailed]}
"""
FLAKY = """def handler(event, context):
    raise RuntimeError("payment provider down: " + event["detail"]["order"])
"""


def _messages(aws, name: str, seconds: float = 15) -> list[str]:
    url = aws("sqs").get_queue_url(QueueName=name)["QueueUrl"]
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        got = aws("sqs").receive_message(QueueUrl=url).get("Messages", [])
        if got:
            return [m["Body"] for m in got]
        time.sleep(0.1)
    return []


def test_custom_bus_subscription_filter_and_on_failure_destination(tmp_path, aws):
    root = write_tree(tmp_path, {**workspace_files(shop=(SHOP, {})),
                                 "stacks/shop/src/flaky/app.py": FLAKY})
    report = api.deploy(root, "local", RunRequest())
    assert report.ok, [(s.stack, s.reason) for s in report.stacks]
    aws("events").put_events(Entries=[{
        "Source": "shop.payments", "DetailType": "PaymentFailed", "EventBusName": "shop-bus",
        "Detail": json.dumps({"order": "o-1"})}])
    [failure] = [json.loads(b) for b in _messages(aws, "shop-failures")]
    assert failure["requestContext"]["condition"] == "RetriesExhausted"
    assert failure["requestContext"]["approximateInvokeCount"] == 2
    assert failure["responsePayload"]["errorMessage"] == "payment provider down: o-1"

    sns = aws("sns")
    topic = next(t["TopicArn"] for t in sns.list_topics()["Topics"]
                 if t["TopicArn"].endswith(":shop-orders"))
    for region in ("us", "eu"):
        sns.publish(TopicArn=topic, Message=json.dumps({"region": region}), MessageAttributes={
            "region": {"DataType": "String", "StringValue": region}})
    assert [json.loads(b) for b in _messages(aws, "shop-eu-orders")] == [{"region": "eu"}]
