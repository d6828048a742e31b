"""A synchronous execution that outlasts the cap (Express's five minutes) ends TIMED_OUT."""
from __future__ import annotations

import json
import time
from types import SimpleNamespace

from ws.local import syncexecution


def test_an_execution_past_the_cap_is_timed_out():
    machine = SimpleNamespace(
        type="EXPRESS", name="sleepy", roleArn="arn:aws:iam::123456789012:role/sfn",
        arn="arn:aws:states:us-east-1:123456789012:stateMachine:sleepy",
        definition=json.dumps({"StartAt": "Nap", "States": {
            "Nap": {"Type": "Wait", "Seconds": 60, "End": True}}}))
    started = time.monotonic()
    answer = syncexecution.run(machine, '{"a": 1}', "late", "123456789012", "us-east-1",
                               cap=0.3)
    assert time.monotonic() - started < 5
    assert answer["status"] == "TIMED_OUT" and answer["name"] == "late"
    assert answer["input"] == '{"a":1}' and "output" not in answer
    billed = answer["billingDetails"]
    assert billed["billedMemoryUsedInMB"] == 64
    assert billed["billedDurationInMilliseconds"] >= 300
    assert billed["billedDurationInMilliseconds"] % 100 == 0
