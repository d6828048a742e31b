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


def test_targets_another_bus_a_topic_and_a_state_machine(aws):
    events, sns = aws("events"), aws("sns")
    relay_url, relay_arn = queue(aws, "relayed")
    fanned_url, fanned_arn = queue(aws, "fanned")
    bus_arn = events.create_event_bus(Name="partners")["EventBusArn"]
    events.put_rule(Name="on-partners", EventBusName="partners",
                    EventPattern=json.dumps({"detail-type": ["OrderPaid"]}))
    events.put_targets(Rule="on-partners", EventBusName="partners",
                       Targets=[{"Id": "q", "Arn": relay_arn}])
    topic = sns.create_topic(Name="paid")["TopicArn"]
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=fanned_arn,
                  Attributes={"RawMessageDelivery": "true"})
    machine = aws("stepfunctions").create_state_machine(
        name="settle", roleArn="arn:aws:iam::123456789012:role/sfn",
        definition=json.dumps({"StartAt": "Done", "States": {"Done": {"Type": "Succeed"}}}))[
        "stateMachineArn"]
    events.put_rule(Name="paid", EventPattern=json.dumps({"source": ["shop.orders"]}))
    events.put_targets(Rule="paid", Targets=[
        {"Id": "bus", "Arn": bus_arn}, {"Id": "topic", "Arn": topic, "InputPath": "$.detail"},
        {"Id": "sfn", "Arn": machine, "Input": '{"settle": true}'}])
    events.put_events(Entries=[_entry({"order_id": "o-5"})])
    [relayed] = bodies(aws, relay_url)
    assert json.loads(relayed)["detail"] == {"order_id": "o-5"}
    assert [json.loads(b) for b in bodies(aws, fanned_url)] == [{"order_id": "o-5"}]
    runs = wait_for(lambda: aws("stepfunctions").list_executions(
        stateMachineArn=machine)["executions"])
    described = aws("stepfunctions").describe_execution(executionArn=runs[0]["executionArn"])
    assert json.loads(described["input"]) == {"settle": True}


def test_rules_and_subscriptions_made_by_cloudformation_deliver(aws, stack):
    stack.create({"Resources": {
        "Audit": {"Type": "AWS::SQS::Queue", "Properties": {"QueueName": "cfn-audit"}},
        "Paid": {"Type": "AWS::SNS::Topic", "Properties": {"TopicName": "cfn-paid",
                 "Subscription": [{"Protocol": "sqs",
                                   "Endpoint": {"Fn::GetAtt": ["Audit", "Arn"]}}]}},
        "Rule": {"Type": "AWS::Events::Rule", "Properties": {
            "EventPattern": {"source": ["shop.orders"], "detail-type": ["OrderPaid"]},
            "Targets": [{"Id": "topic", "Arn": {"Ref": "Paid"},
                         "InputPath": "$.detail.order_id"}]}}}})
    events = aws("events")
    events.put_events(Entries=[_entry({"order_id": "o-6"})])
    url = aws("sqs").get_queue_url(QueueName="cfn-audit")["QueueUrl"]
    [body] = bodies(aws, url)
    assert json.loads(json.loads(body)["Message"]) == "o-6"


def test_an_undeliverable_event_goes_to_the_targets_dead_letter_queue(aws):
    url, arn = queue(aws, "rule-dlq")
    events = aws("events")
    events.put_rule(Name="to-nowhere", EventPattern=json.dumps({"source": ["shop.orders"]}))
    events.put_targets(Rule="to-nowhere", Targets=[{
        "Id": "gone", "Arn": "arn:aws:sqs:us-east-1:123456789012:no-such-queue",
        "DeadLetterConfig": {"Arn": arn}}])
    events.put_events(Entries=[_entry({"order_id": "o-7"})])
    answer = wait_for(lambda: aws("sqs").receive_message(
        QueueUrl=url, MessageAttributeNames=["All"]).get("Messages"))
    assert json.loads(answer[0]["Body"])["detail"] == {"order_id": "o-7"}
    attributes = {k: v["StringValue"] for k, v in answer[0]["MessageAttributes"].items()}
    assert attributes["RULE_ARN"].endswith(":rule/to-nowhere")
    assert attributes["TARGET_ARN"].endswith(":no-such-queue")
    assert attributes["ERROR_CODE"]


def test_test_event_pattern_answers_with_the_routers_matching(aws):
    event = json.dumps({"id": "1", "source": "shop.orders", "detail-type": "OrderPaid",
                        "account": "123456789012", "time": "2026-12-07T19:00:00Z",
                        "region": "us-east-1", "resources": [], "detail": {"amount": 25}})
    events = aws("events")
    assert events.test_event_pattern(EventPattern=json.dumps(
        {"detail": {"amount": [{"numeric": [">", 10]}]}}), Event=event)["Result"] is True
    assert events.test_event_pattern(EventPattern=json.dumps(
        {"source": [{"prefix": "billing."}]}), Event=event)["Result"] is False


def test_an_archive_keeps_the_events_of_its_bus(aws):
    events = aws("events")
    bus = events.create_event_bus(Name="kept")["EventBusArn"]
    events.create_archive(ArchiveName="kept-all", EventSourceArn=bus)
    events.put_events(Entries=[_entry({"order_id": "o-8"}, "kept")])
    wait_for(lambda: events.describe_archive(ArchiveName="kept-all")["EventCount"] == 1)
