"""Publishers do not wait for deliveries: Publish, PutEvents and PutObject answer while the
function they trigger is still running."""
from __future__ import annotations

import json
import time

from event_helpers import events_of, wait_for
from lambda_helpers import Functions

SLOW = """
import json, time

def handler(event, context):
    time.sleep(2)
    print("EVENT " + json.dumps({"at": time.time(), "event": event}))
"""


def _timed(call) -> float:
    started = time.monotonic()
    call()
    return time.monotonic() - started


def test_publishers_answer_before_the_slow_function_ends(aws):
    Functions(aws).create("recorder", {"app.py": SLOW}, Timeout=10)
    arn = aws("lambda").get_function(FunctionName="recorder")["Configuration"]["FunctionArn"]
    sns, events, s3 = aws("sns"), aws("events"), aws("s3")
    topic = sns.create_topic(Name="slow")["TopicArn"]
    sns.subscribe(TopicArn=topic, Protocol="lambda", Endpoint=arn)
    events.put_rule(Name="slow", EventPattern=json.dumps({"source": ["slow"]}))
    events.put_targets(Rule="slow", Targets=[{"Id": "fn", "Arn": arn}])
    s3.create_bucket(Bucket="slow")
    s3.put_bucket_notification_configuration(Bucket="slow", NotificationConfiguration={
        "LambdaFunctionConfigurations": [{"LambdaFunctionArn": arn,
                                          "Events": ["s3:ObjectCreated:*"]}]})
    took = [_timed(lambda: sns.publish(TopicArn=topic, Message="m")),
            _timed(lambda: events.put_events(Entries=[
                {"Source": "slow", "DetailType": "d", "Detail": "{}"}])),
            _timed(lambda: s3.put_object(Bucket="slow", Key="k", Body=b"x"))]
    assert max(took) < 1.0, took
    wait_for(lambda: len(events_of(aws)) == 3, seconds=15)
