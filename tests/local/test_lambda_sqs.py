"""SQS event source mappings on the local endpoint: batches, partial failures, retries, DLQ.

These tests use their own endpoint, started with WS_LOCAL_SQS_RETRY_SECONDS=1 so that a
failed message comes back after one second although its queue says 180.
"""
from __future__ import annotations

import json
import textwrap
import time

import boto3
import pytest

from lambda_helpers import Functions
from ws.local import endpoint as lifecycle

PROCESSOR = textwrap.dedent("""
    import json

    def handler(event, context):
        bodies = [json.loads(r["body"]) for r in event["Records"]]
        print("batch", json.dumps(sorted(b["n"] for b in bodies)))
        failed = [r["messageId"] for r, b in zip(event["Records"], bodies) if b.get("fail")]
        if any(b.get("crash") for b in bodies):
            raise RuntimeError("crash")
        return {"batchItemFailures": [{"itemIdentifier": i} for i in failed]}
""")


@pytest.fixture(scope="module")
def retry_endpoint(tmp_path_factory):
    state = tmp_path_factory.mktemp("sqs-endpoint")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("WS_LOCAL_SQS_RETRY_SECONDS", "1")
        info = lifecycle.start(state)
    yield info.url
    lifecycle.stop(state)


@pytest.fixture
def aws(retry_endpoint):
    lifecycle.reset(retry_endpoint)
    session = boto3.Session(aws_access_key_id="testing", aws_secret_access_key="testing",
                            region_name="us-east-1")
    return lambda service: session.client(service, endpoint_url=retry_endpoint)


@pytest.fixture
def queues(aws):
    """(queue url, dead-letter queue url), mapped to the processor with BatchSize 5."""
    sqs = aws("sqs")
    dlq = sqs.create_queue(QueueName="dlq")["QueueUrl"]
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq, AttributeNames=["QueueArn"])[
        "Attributes"]["QueueArn"]
    redrive = json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": 2})
    queue = sqs.create_queue(QueueName="work", Attributes={
        "VisibilityTimeout": "180", "RedrivePolicy": redrive})["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])[
        "Attributes"]["QueueArn"]
    Functions(aws).create("processor", {"app.py": PROCESSOR})
    aws("lambda").create_event_source_mapping(
        EventSourceArn=arn, FunctionName="processor", BatchSize=5,
        FunctionResponseTypes=["ReportBatchItemFailures"])
    return queue, dlq


def batches(aws) -> list[list[int]]:
    logs = aws("logs")
    if not logs.describe_log_groups(logGroupNamePrefix="/aws/lambda/processor")["logGroups"]:
        return []
    return [json.loads(e["message"][6:]) for e in
            logs.filter_log_events(logGroupName="/aws/lambda/processor")["events"]
            if e["message"].startswith("batch ")]


def wait_for(check, seconds: float = 15):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        time.sleep(0.2)
    pytest.fail(f"not true after {seconds} s: {check.__doc__ or check}")


def count(aws, url: str) -> int:
    attrs = aws("sqs").get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    return int(attrs["ApproximateNumberOfMessages"]) + \
        int(attrs["ApproximateNumberOfMessagesNotVisible"])


def test_messages_reach_the_function_in_batches(aws, queues):
    queue, _ = queues
    aws("sqs").send_message_batch(QueueUrl=queue, Entries=[
        {"Id": str(n), "MessageBody": json.dumps({"n": n})} for n in range(7)])
    wait_for(lambda: sum(len(b) for b in batches(aws)) == 7)
    assert all(len(b) <= 5 for b in batches(aws))
    wait_for(lambda: count(aws, queue) == 0)  # every message was deleted after success


def test_partial_failure_is_retried_then_dead_lettered(aws, queues):
    queue, dlq = queues
    aws("sqs").send_message_batch(QueueUrl=queue, Entries=[
        {"Id": "1", "MessageBody": json.dumps({"n": 1})},
        {"Id": "2", "MessageBody": json.dumps({"n": 2, "fail": True})}])
    dead = wait_for(lambda: aws("sqs").receive_message(QueueUrl=dlq).get("Messages"))
    assert [json.loads(m["Body"])["n"] for m in dead] == [2]
    seen = [n for batch in batches(aws) for n in batch]
    assert seen.count(1) == 1 and seen.count(2) == 2  # retried once (maxReceiveCount 2)
    assert count(aws, queue) == 0


def test_a_failed_invocation_returns_the_whole_batch(aws, queues):
    queue, dlq = queues
    aws("sqs").send_message(QueueUrl=queue, MessageBody=json.dumps({"n": 5, "crash": True}))
    wait_for(lambda: aws("sqs").receive_message(QueueUrl=dlq).get("Messages"))
    assert [n for batch in batches(aws) for n in batch] == [5, 5]
