"""Figure: an event from PutEvents to the start of the target function (warm), on the local
endpoint: the time the function reads when it starts minus the time before PutEvents was sent.

Run: python tests/bench/bench_events.py   (target: median of 50 <= 50 ms)
"""
from __future__ import annotations

import io
import json
import statistics
import sys
import tempfile
import time
import zipfile
from pathlib import Path

import boto3

from ws.local import endpoint as lifecycle

HANDLER = ("import json, time\n"
           "def handler(event, context):\n"
           "    print('BENCH ' + json.dumps({'at': time.time(), 'n': event['detail']['n']}))\n")
RUNS, WARMUP = 50, 3


def package() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("app.py", HANDLER)
    return buffer.getvalue()


def started(logs, n: int, timeout: float = 10) -> float:
    """When the function started for event `n` (epoch seconds, from its log)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            found = logs.filter_log_events(logGroupName="/aws/lambda/target")["events"]
        except logs.exceptions.ResourceNotFoundException:  # not invoked yet
            found = []
        for event in found:
            if event["message"].startswith("BENCH "):
                seen = json.loads(event["message"][6:])
                if seen["n"] == n:
                    return seen["at"]
        time.sleep(0.01)
    raise TimeoutError(f"event {n} never reached the function")


def deploy(session, url: str) -> None:
    lam = session.client("lambda", endpoint_url=url)
    role = session.client("iam", endpoint_url=url).create_role(
        RoleName="bench", AssumeRolePolicyDocument=json.dumps({}))["Role"]["Arn"]
    arn = lam.create_function(FunctionName="target", Runtime="python3.11", Role=role,
                              Handler="app.handler", Code={"ZipFile": package()})["FunctionArn"]
    events = session.client("events", endpoint_url=url)
    events.put_rule(Name="bench", EventPattern=json.dumps({"source": ["bench"]}))
    events.put_targets(Rule="bench", Targets=[{"Id": "fn", "Arn": arn}])


def main() -> None:
    state = Path(tempfile.mkdtemp(prefix="bench-events-"))
    info = lifecycle.start(state)
    try:
        session = boto3.Session(aws_access_key_id="x", aws_secret_access_key="x",
                                region_name="us-east-1")
        deploy(session, info.url)
        events, logs = (session.client(s, endpoint_url=info.url) for s in ("events", "logs"))
        latencies = []
        for n in range(WARMUP + RUNS):
            sent = time.time()
            events.put_events(Entries=[{"Source": "bench", "DetailType": "Tick",
                                        "Detail": json.dumps({"n": n})}])
            latency = (started(logs, n) - sent) * 1000
            if n >= WARMUP:
                latencies.append(latency)
    finally:
        lifecycle.stop(state)
    print(f"PutEvents -> rule -> target function start (warm): median "
          f"{statistics.median(latencies):.1f} ms, p90 "
          f"{sorted(latencies)[int(RUNS * 0.9)]:.1f} ms, max {max(latencies):.1f} ms over {RUNS}")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
