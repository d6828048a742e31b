"""Figures: Lambda invoke latency on the local endpoint through the Invoke API (boto3).

cold: the first invoke after a code change (a new worker process starts, imports the handler)
warm: later invokes answered by the same worker
node warm: the same for a Node.js function (an async handler, no imports)
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

HANDLER = "import boto3\nVERSION = {v}\ndef handler(event, context):\n    return {{'v': VERSION}}\n"
NODE_HANDLER = "exports.handler = async () => ({ v: 1 });"
WARM_RUNS, COLD_RUNS, NODE_RUNS = 200, 10, 50


def package(version: int) -> bytes:
    return zip_of("app.py", HANDLER.format(v=version))


def zip_of(name: str, text: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(name, text)
    return buffer.getvalue()


def timed(lam, name: str) -> float:
    started = time.perf_counter()
    answer = lam.invoke(FunctionName=name, Payload=b"{}")
    answer["Payload"].read()
    assert "FunctionError" not in answer, answer
    return (time.perf_counter() - started) * 1000


def main() -> None:
    state = Path(tempfile.mkdtemp(prefix="bench-invoke-"))
    info = lifecycle.start(state)
    try:
        session = boto3.Session(aws_access_key_id="x", aws_secret_access_key="x",
                                region_name="us-east-1")
        lam = session.client("lambda", endpoint_url=info.url)
        role = session.client("iam", endpoint_url=info.url).create_role(
            RoleName="bench", AssumeRolePolicyDocument=json.dumps({}))["Role"]["Arn"]
        lam.create_function(FunctionName="bench", Runtime="python3.11", Role=role,
                            Handler="app.handler", Code={"ZipFile": package(0)})
        cold = []
        for version in range(1, COLD_RUNS + 1):
            lam.update_function_code(FunctionName="bench", ZipFile=package(version))
            cold.append(timed(lam, "bench"))
        warm = [timed(lam, "bench") for _ in range(WARM_RUNS)]
        lam.create_function(FunctionName="node", Runtime="nodejs20.x", Role=role,
                            Handler="index.handler",
                            Code={"ZipFile": zip_of("index.js", NODE_HANDLER)})
        timed(lam, "node")  # the worker starts
        node = [timed(lam, "node") for _ in range(NODE_RUNS)]
    finally:
        lifecycle.stop(state)
    print(f"cold invoke (new worker, handler imports boto3): median "
          f"{statistics.median(cold):.1f} ms, max {max(cold):.1f} ms over {COLD_RUNS}")
    print(f"warm invoke: median {statistics.median(warm):.1f} ms, "
          f"p95 {sorted(warm)[int(WARM_RUNS * 0.95)]:.1f} ms over {WARM_RUNS}")
    print(f"node warm invoke: median {statistics.median(node):.1f} ms over {NODE_RUNS}")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
