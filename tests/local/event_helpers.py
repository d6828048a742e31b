"""Helpers for the event router's tests: a function that logs what it receives, waits."""
from __future__ import annotations

import json
import time
from typing import Any, Callable

import pytest

from lambda_helpers import Functions

RECORDER = """
import json, os, time

def handler(event, context):
    print("EVENT " + json.dumps({"at": time.time(), "event": event}))
    if os.environ.get("FAIL"):
        raise RuntimeError("asked to fail")
    return {"seen": True}
"""


def recorder(aws: Any, name: str = "recorder", **config: Any) -> str:
    """Create a function that logs each event it receives; its ARN."""
    Functions(aws).create(name, {"app.py": RECORDER}, **config)
    return aws("lambda").get_function(FunctionName=name)["Configuration"]["FunctionArn"]


def received(aws: Any, name: str = "recorder") -> list[dict[str, Any]]:
    """Every event the recorder `name` logged, oldest first, with the time it started."""
    logs = aws("logs")
    group = f"/aws/lambda/{name}"
    if not logs.describe_log_groups(logGroupNamePrefix=group)["logGroups"]:
        return []
    lines = [e["message"] for e in logs.filter_log_events(logGroupName=group)["events"]]
    found = [json.loads(line[6:]) for line in lines if line.startswith("EVENT ")]
    return sorted(found, key=lambda item: item["at"])


def events_of(aws: Any, name: str = "recorder") -> list[Any]:
    return [item["event"] for item in received(aws, name)]


def wait_for(check: Callable[[], Any], seconds: float = 10) -> Any:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        time.sleep(0.05)
    pytest.fail(f"not true after {seconds} s: {check.__doc__ or check}")


def queue(aws: Any, name: str) -> tuple[str, str]:
    """(url, arn) of a new queue."""
    url = aws("sqs").create_queue(QueueName=name)["QueueUrl"]
    arn = aws("sqs").get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])[
        "Attributes"]["QueueArn"]
    return url, arn


def bodies(aws: Any, url: str, expected: int = 1, seconds: float = 10) -> list[str]:
    """Receive until `expected` messages came (or time ran out); their bodies."""
    got: list[str] = []
    deadline = time.monotonic() + seconds
    while len(got) < expected and time.monotonic() < deadline:
        answer = aws("sqs").receive_message(QueueUrl=url, MaxNumberOfMessages=10,
                                            WaitTimeSeconds=0)
        got += [m["Body"] for m in answer.get("Messages", [])]
        if len(got) < expected:
            time.sleep(0.05)
    return got
