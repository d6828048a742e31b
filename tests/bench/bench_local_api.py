"""Benchmark: a request to a deployed REST API on the local endpoint (prints figures; not a test).

Run: python tests/bench/bench_local_api.py [--requests 200]

The API of tests/local/apistore.py is deployed by CloudFormation, a user signs in to its
Cognito pool, and GET /private (Cognito authorizer -> Lambda proxy) is timed over HTTP:
cold = the first request after the deploy, warm = the median of the following ones.
Bars: warm <= 50 ms median, cold <= 1 s.

1. The endpoint's own server process (`python -m ws.local.server`, started by ws): the
   function runs in whatever runner the endpoint has (without one, moto's Docker path answers
   an error: the status shows it, and GET /secure-mock, authorizer -> MOCK, is timed too).
2. The same app in this process with the stand-in runner (tests/local/lambda_standin.py):
   gateway + authorizer + Lambda proxy with the function's code actually running.
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import boto3

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "local"))

from apistore import call, id_token, template  # noqa: E402
from lambda_standin import InProcessEndpoint, run_inline  # noqa: E402
from moto.awslambda.models import LambdaFunction  # noqa: E402

from ws.local import endpoint  # noqa: E402
from ws.local.urls import local_api_url  # noqa: E402


def deploy(url: str) -> tuple[str, str]:
    """The API's base URL and a signed-in user's ID token."""
    session = boto3.Session(aws_access_key_id="testing", aws_secret_access_key="testing",
                            region_name="us-east-1")
    cfn = session.client("cloudformation", endpoint_url=url)
    cfn.create_stack(StackName="bench-api", TemplateBody=json.dumps(template()))
    stack = cfn.describe_stacks(StackName="bench-api")["Stacks"][0]
    out = {o["OutputKey"]: o["OutputValue"] for o in stack["Outputs"]}
    token = id_token(session.client("cognito-idp", endpoint_url=url), out["PoolId"],
                     out["ClientId"])
    return local_api_url(url, out["ApiId"], "v1"), token


def timed(url: str, token: str) -> tuple[float, int]:
    start = time.perf_counter()
    status, _, _ = call(url, headers={"Authorization": token})
    return (time.perf_counter() - start) * 1000, status


def measure(label: str, url: str, token: str, count: int) -> dict[str, Any]:
    cold, cold_status = timed(url, token)
    warm = [timed(url, token) for _ in range(count)]
    statuses = sorted({s for _, s in warm} | {cold_status})
    median = statistics.median(ms for ms, _ in warm)
    p95 = sorted(ms for ms, _ in warm)[int(len(warm) * 0.95) - 1]
    print(f"  {label:<34} cold {cold:7.1f} ms   warm median {median:6.2f} ms   "
          f"p95 {p95:6.2f} ms   status {statuses}   "
          f"bars: warm {'OK' if median <= 50 else 'MISSED'}, "
          f"cold {'OK' if cold <= 1000 else 'MISSED'}")
    return {"cold_ms": cold, "warm_median_ms": median, "statuses": statuses}


def endpoint_process(count: int) -> None:
    print("1. the endpoint's server process (ws.local.server), runner as installed:")
    with tempfile.TemporaryDirectory() as state:
        info = endpoint.start(Path(state))
        try:
            base, token = deploy(info.url)
            measure("GET /private (authorizer->Lambda)", base + "/private", token, count)
            measure("GET /secure-mock (authorizer->MOCK)", base + "/secure-mock", token, count)
        finally:
            endpoint.stop(Path(state))


def stand_in(count: int) -> None:
    print("2. the same app in this process, stand-in runner (function code runs):")
    LambdaFunction._invoke_lambda = run_inline  # this process only; it ends after the bench
    server = InProcessEndpoint()
    try:
        base, token = deploy(server.url)
        measure("GET /private (authorizer->Lambda)", base + "/private", token, count)
    finally:
        server.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200, help="warm requests per route")
    args = parser.parse_args()
    endpoint_process(args.requests)
    stand_in(args.requests)


if __name__ == "__main__":
    main()
