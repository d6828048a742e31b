"""DynamoDB Streams and Kinesis mappings on the local endpoint: pollers feed the function."""
from __future__ import annotations

import base64
import time
import json

from event_helpers import bodies, events_of, queue, recorder, wait_for


def _table_with_stream(aws, name: str = "orders") -> str:
    return aws("dynamodb").create_table(
        TableName=name, KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
    )["TableDescription"]["LatestStreamArn"]


def test_a_stream_triggered_function_sees_the_insert(aws):
    stream = _table_with_stream(aws)
    db = aws("dynamodb")
    db.put_item(TableName="orders", Item={"id": {"S": "before"}})  # LATEST: not delivered
    recorder(aws)
    aws("lambda").create_event_source_mapping(EventSourceArn=stream, FunctionName="recorder",
                                              StartingPosition="LATEST", BatchSize=10)
    db.put_item(TableName="orders", Item={"id": {"S": "o-1"}, "amount": {"N": "25"}})
    db.update_item(TableName="orders", Key={"id": {"S": "o-1"}},
                   UpdateExpression="SET amount = :a", ExpressionAttributeValues={":a": {"N": "30"}})
    records = wait_for(lambda: sum(len(e["Records"]) for e in events_of(aws)) >= 2 and [
        r for e in events_of(aws) for r in e["Records"]])
    assert [r["eventName"] for r in records] == ["INSERT", "MODIFY"]
    insert = records[0]
    assert insert["eventSource"] == "aws:dynamodb" and insert["eventSourceARN"] == stream
    assert insert["dynamodb"]["Keys"] == {"id": {"S": "o-1"}}
    assert insert["dynamodb"]["NewImage"] == {"id": {"S": "o-1"}, "amount": {"N": "25"}}
    assert isinstance(insert["dynamodb"]["ApproximateCreationDateTime"], int)
    assert records[1]["dynamodb"]["OldImage"]["amount"] == {"N": "25"}
    # moto empties the stream once delivered; a stream keeps its records
    shard = aws("dynamodbstreams").describe_stream(StreamArn=stream)[
        "StreamDescription"]["Shards"][0]["ShardId"]
    iterator = aws("dynamodbstreams").get_shard_iterator(
        StreamArn=stream, ShardId=shard, ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
    assert len(aws("dynamodbstreams").get_records(ShardIterator=iterator)["Records"]) == 3


def test_a_failing_batch_is_bisected_retried_and_described_to_on_failure(aws):
    stream = _table_with_stream(aws)
    recorder(aws, Environment={"Variables": {"FAIL": "1"}})
    url, arn = queue(aws, "stream-failures")
    db = aws("dynamodb")
    db.put_item(TableName="orders", Item={"id": {"S": "a"}})
    db.put_item(TableName="orders", Item={"id": {"S": "b"}})
    aws("lambda").create_event_source_mapping(
        EventSourceArn=stream, FunctionName="recorder", StartingPosition="TRIM_HORIZON",
        BisectBatchOnFunctionError=True, MaximumRetryAttempts=0,
        DestinationConfig={"OnFailure": {"Destination": arn}})
    described = [json.loads(b) for b in bodies(aws, url, expected=2)]
    assert [d["DDBStreamBatchInfo"]["batchSize"] for d in described] == [1, 1]
    assert described[0]["requestContext"]["condition"] == "RetryAttemptsExhausted"
    assert described[0]["DDBStreamBatchInfo"]["streamArn"] == stream
    assert [len(e["Records"]) for e in events_of(aws)] == [2, 1, 1]


def test_kinesis_records_reach_the_function(aws):
    kinesis = aws("kinesis")
    kinesis.create_stream(StreamName="clicks", ShardCount=1)
    arn = kinesis.describe_stream(StreamName="clicks")["StreamDescription"]["StreamARN"]
    recorder(aws)
    aws("lambda").create_event_source_mapping(EventSourceArn=arn, FunctionName="recorder",
                                              StartingPosition="TRIM_HORIZON")
    kinesis.put_record(StreamName="clicks", Data=b'{"page": "/"}', PartitionKey="u1")
    [event] = wait_for(lambda: events_of(aws))
    [record] = event["Records"]
    assert record["eventSource"] == "aws:kinesis" and record["eventSourceARN"] == arn
    assert json.loads(base64.b64decode(record["kinesis"]["data"])) == {"page": "/"}


PARTIAL = """
import json

def handler(event, context):
    print("EVENT " + json.dumps({"at": 0, "event": event}))
    bad = [r["dynamodb"]["SequenceNumber"] for r in event["Records"]
           if r["dynamodb"]["Keys"]["id"]["S"] == "bad"]
    return {"batchItemFailures": [{"itemIdentifier": s} for s in bad[:1]]}
"""


def test_filter_criteria_and_reported_item_failures(aws):
    from lambda_helpers import Functions

    stream = _table_with_stream(aws)
    url, arn = queue(aws, "partial-failures")
    db = aws("dynamodb")
    for key in ("ok", "skip", "bad", "after"):
        db.put_item(TableName="orders", Item={"id": {"S": key}, "keep": {"BOOL": key != "skip"}})
    Functions(aws).create("recorder", {"app.py": PARTIAL})
    aws("lambda").create_event_source_mapping(
        EventSourceArn=stream, FunctionName="recorder", StartingPosition="TRIM_HORIZON",
        FunctionResponseTypes=["ReportBatchItemFailures"], MaximumRetryAttempts=1,
        DestinationConfig={"OnFailure": {"Destination": arn}},
        FilterCriteria={"Filters": [{"Pattern": json.dumps(
            {"dynamodb": {"NewImage": {"keep": {"BOOL": [True]}}}})}]})
    [described] = [json.loads(b) for b in bodies(aws, url)]
    assert described["DDBStreamBatchInfo"]["batchSize"] == 2  # "bad" and "after"
    keys = [[r["dynamodb"]["Keys"]["id"]["S"] for r in e["Records"]] for e in events_of(aws)]
    assert keys == [["ok", "bad", "after"], ["bad", "after"]]


def test_a_poller_that_stopped_resumes_where_it_was(aws):
    from event_helpers import RECORDER
    from lambda_helpers import zip_of

    stream = _table_with_stream(aws)
    role = "arn:aws:iam::123456789012:role/fn-role"
    recorder(aws)
    aws("lambda").create_event_source_mapping(EventSourceArn=stream, FunctionName="recorder",
                                              StartingPosition="TRIM_HORIZON")
    db = aws("dynamodb")
    db.put_item(TableName="orders", Item={"id": {"S": "a"}})
    wait_for(lambda: events_of(aws))
    aws("lambda").delete_function(FunctionName="recorder")  # the poller stops: no function
    db.put_item(TableName="orders", Item={"id": {"S": "b"}})
    time.sleep(0.6)
    aws("lambda").create_function(FunctionName="recorder", Role=role, Runtime="python3.11",
                                  Handler="app.handler", Code={"ZipFile": zip_of(
                                      {"app.py": RECORDER})})
    wait_for(lambda: len(events_of(aws)) >= 2)
    time.sleep(0.5)
    keys = [r["dynamodb"]["Keys"]["id"]["S"] for e in events_of(aws) for r in e["Records"]]
    assert keys == ["a", "b"]
