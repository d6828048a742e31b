"""EventBridge on the local endpoint: PutEvents -> a rule's pattern -> Lambda and SQS targets,
delivered after PutEvents has answered."""
from __future__ import annotations

import json
import re
import time

from event_helpers import bodies, events_of, queue, recorder, wait_for

TEMPLATE = ('{"order": <order>, "amount": <amount>, "text": "order <order> paid", '
            '"rule": <aws.events.rule-name>}')


def _entry(detail: dict, bus: str = "default") -> dict:
    return {"Source": "shop.orders", "DetailType": "OrderPaid", "Detail": json.dumps(detail),
            "EventBusName": bus}


def test_put_events_reaches_a_lambda_target_through_its_input_transformer(aws):
    arn = recorder(aws)
    events = aws("events")
    events.create_event_bus(Name="shop")
    events.put_rule(Name="paid", EventBusName="shop", EventPattern=json.dumps({
        "source": ["shop.orders"], "detail": {"amount": [{"numeric": [">", 10]}]}}))
    events.put_targets(Rule="paid", EventBusName="shop", Targets=[{
        "Id": "fn", "Arn": arn, "InputTransformer": {
            "InputPathsMap": {"order": "$.detail.order_id", "amount": "$.detail.amount"},
            "InputTemplate": TEMPLATE}}])
    answer = events.put_events(Entries=[_entry({"order_id": "o-1", "amount": 25}, "shop"),
                                        _entry({"order_id": "o-2", "amount": 5}, "shop")])
    assert answer["FailedEntryCount"] == 0
    got = wait_for(lambda: events_of(aws))
    time.sleep(0.3)  # the event the pattern refuses never comes
    assert events_of(aws) == got == [
        {"order": "o-1", "amount": 25, "text": "order o-1 paid", "rule": "paid"}]


def test_put_events_reaches_an_sqs_target_as_eventbridge_shapes_the_event(aws):
    url, arn = queue(aws, "audit")
    events = aws("events")
    events.put_rule(Name="all-orders", EventPattern=json.dumps({"source": [{"prefix": "shop."}]}))
    events.put_targets(Rule="all-orders", Targets=[{"Id": "q", "Arn": arn}])
    events.put_events(Entries=[_entry({"order_id": "o-3", "amount": 1})])
    [body] = bodies(aws, url)
    event = json.loads(body)
    assert event["detail"] == {"order_id": "o-3", "amount": 1}
    assert event["detail-type"] == "OrderPaid" and event["source"] == "shop.orders"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", event["time"])
    assert event["resources"] == [] and "ingestion-time" not in event


def test_a_scheduled_rule_does_not_receive_put_events(aws):
    url, arn = queue(aws, "ticks")
    events = aws("events")
    events.put_rule(Name="tick", ScheduleExpression="rate(1 hour)")
    events.put_targets(Rule="tick", Targets=[{"Id": "q", "Arn": arn}])
    events.put_events(Entries=[_entry({"order_id": "o-4"})])
    assert bodies(aws, url, seconds=0.5) == []
