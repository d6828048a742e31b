"""S3 notifications on the local endpoint: Lambda, SQS (a bucket made by CloudFormation) and
EventBridge-enabled buckets."""
from __future__ import annotations

import json

from event_helpers import bodies, events_of, queue, recorder, wait_for


def test_an_upload_notifies_a_function_through_prefix_and_suffix_filters(aws):
    arn = recorder(aws)
    s3 = aws("s3")
    s3.create_bucket(Bucket="photos")
    s3.put_bucket_notification_configuration(Bucket="photos", NotificationConfiguration={
        "LambdaFunctionConfigurations": [{
            "Id": "thumbs", "LambdaFunctionArn": arn, "Events": ["s3:ObjectCreated:*"],
            "Filter": {"Key": {"FilterRules": [{"Name": "prefix", "Value": "in/"},
                                               {"Name": "suffix", "Value": ".png"}]}}}]})
    s3.put_object(Bucket="photos", Key="in/a cat.png", Body=b"png")
    s3.put_object(Bucket="photos", Key="in/notes.txt", Body=b"txt")
    s3.put_object(Bucket="photos", Key="out/b.png", Body=b"png")
    [event] = wait_for(lambda: events_of(aws))
    [rec] = event["Records"]
    assert rec["eventSource"] == "aws:s3" and rec["eventName"] == "ObjectCreated:Put"
    assert rec["s3"]["configurationId"] == "thumbs"
    assert rec["s3"]["bucket"]["name"] == "photos"
    assert rec["s3"]["object"]["key"] == "in/a+cat.png" and rec["s3"]["object"]["size"] == 3
    assert len(events_of(aws)) == 1


def test_a_bucket_made_by_cloudformation_notifies_its_queue(aws, stack):
    url, arn = queue(aws, "uploads")
    stack.create({"Resources": {"Bucket": {"Type": "AWS::S3::Bucket", "Properties": {
        "BucketName": "cfn-uploads", "NotificationConfiguration": {"QueueConfigurations": [{
            "Event": "s3:ObjectCreated:*", "Queue": arn,
            "Filter": {"S3Key": {"Rules": [{"Name": "suffix", "Value": ".csv"}]}}}]}}}}})
    aws("s3").put_object(Bucket="cfn-uploads", Key="day.csv", Body=b"a,b")
    records = [json.loads(b) for b in bodies(aws, url, expected=2)]
    assert records[0].get("Event") == "s3:TestEvent"  # as S3 sends when configured
    assert records[1]["Records"][0]["s3"]["object"]["key"] == "day.csv"


def test_an_eventbridge_enabled_bucket_sends_object_created_to_the_default_bus(aws):
    url, arn = queue(aws, "created")
    events = aws("events")
    events.put_rule(Name="uploads", EventPattern=json.dumps({
        "source": ["aws.s3"], "detail-type": ["Object Created"],
        "detail": {"bucket": {"name": ["docs"]}}}))
    events.put_targets(Rule="uploads", Targets=[{"Id": "q", "Arn": arn}])
    s3 = aws("s3")
    s3.create_bucket(Bucket="docs")
    s3.put_bucket_notification_configuration(Bucket="docs", NotificationConfiguration={
        "EventBridgeConfiguration": {}})
    s3.put_object(Bucket="docs", Key="a.txt", Body=b"hello")
    [body] = bodies(aws, url, expected=2, seconds=1.5)
    event = json.loads(body)
    assert event["detail"]["object"]["key"] == "a.txt" and event["detail"]["object"]["size"] == 5
    assert event["detail"]["reason"] == "PutObject" and event["resources"] == ["arn:aws:s3:::docs"]
