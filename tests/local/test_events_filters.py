"""Event source mappings' FilterCriteria on SQS: messages the filters refuse never reach the
function and leave the queue, as Lambda's event filtering does."""
from __future__ import annotations

import json
import time

from event_helpers import events_of, queue, recorder, wait_for


def test_sqs_filter_criteria_on_the_json_body(aws):
    url, arn = queue(aws, "orders-in")
    recorder(aws)
    aws("lambda").create_event_source_mapping(
        EventSourceArn=arn, FunctionName="recorder", BatchSize=10,
        FilterCriteria={"Filters": [{"Pattern": json.dumps(
            {"body": {"kind": ["order"], "amount": [{"numeric": [">", 10]}]}})}]})
    for body in ({"kind": "order", "amount": 25}, {"kind": "order", "amount": 5},
                 {"kind": "refund", "amount": 50}, "not json"):
        aws("sqs").send_message(QueueUrl=url, MessageBody=json.dumps(body)
                                if isinstance(body, dict) else body)
    wait_for(lambda: events_of(aws))
    time.sleep(0.5)
    bodies = [json.loads(r["body"]) for e in events_of(aws) for r in e["Records"]]
    assert bodies == [{"kind": "order", "amount": 25}]
    attrs = aws("sqs").get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    assert attrs["ApproximateNumberOfMessages"] == attrs["ApproximateNumberOfMessagesNotVisible"] \
        == "0"
