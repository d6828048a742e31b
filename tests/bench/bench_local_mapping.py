"""Benchmark: a warm request through a Lambda custom integration with mapping templates
(prints figures; not a test).

Run: python tests/bench/bench_local_mapping.py [--requests 300] [--process] [--proxy]

The API of tests/local/awsstore.py is deployed by CloudFormation and POST /orders/{id}
(request template -> Lambda custom integration -> response template and response parameter)
is timed over HTTP: cold = the first request after the deploy, warm = the median of the
following ones. Bar: warm <= 15 ms median.

Default: the endpoint's app in this process with the stand-in runner (the function's code
runs in process). --process: the endpoint's own server process, with its worker runner.
--proxy: also the same request by the API's AWS URL over HTTPS through the endpoint's proxy
(ws.local.reach, what functions use), on one kept-alive TLS connection.
"""
from __future__ import annotations

import argparse
import http.client
import json
import ssl
import statistics
import sys
import tempfile
import time
from pathlib import Path

import boto3

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "local"))

from apistore import call  # noqa: E402
from awsstore import template  # noqa: E402
from lambda_standin import InProcessEndpoint, run_inline  # noqa: E402
from moto.awslambda.models import LambdaFunction  # noqa: E402

from ws.local import endpoint  # noqa: E402
from ws.local.reach import proxy  # noqa: E402
from ws.local.urls import local_api_url  # noqa: E402

BODY = json.dumps({"qty": 3, "note": "two \"quoted\" words"}).encode()
HEADERS = {"Content-Type": "application/json"}


def deploy(url: str) -> str:
    session = boto3.Session(aws_access_key_id="testing", aws_secret_access_key="testing",
                            region_name="us-east-1")
    cfn = session.client("cloudformation", endpoint_url=url)
    cfn.create_stack(StackName="bench-mapping", TemplateBody=json.dumps(template()))
    stack = cfn.describe_stacks(StackName="bench-mapping")["Stacks"][0]
    out = {o["OutputKey"]: o["OutputValue"] for o in stack["Outputs"]}
    return local_api_url(url, out["ApiId"], "v1") + "/orders/o-1"


def through_proxy(local_url: str, count: int) -> None:
    """The request by its AWS URL, HTTPS through the proxy (CONNECT once, then keep-alive)."""
    base, _, rest = local_url.partition("/_ws/api/")
    api_id, _, path = rest.partition("/")
    with tempfile.TemporaryDirectory() as folder:
        running = proxy.start(base, Path(folder))
        try:
            connection = http.client.HTTPSConnection(
                "127.0.0.1", running.server_address[1],
                context=ssl.create_default_context(cafile=str(running.ca.bundle_file)))
            connection.set_tunnel(f"{api_id}.execute-api.us-east-1.amazonaws.com")

            def once() -> tuple[float, int]:
                start = time.perf_counter()
                connection.request("POST", f"/{path}", body=BODY, headers=HEADERS)
                answer = connection.getresponse()
                answer.read()
                return (time.perf_counter() - start) * 1000, answer.status

            cold = once()
            warm = [once() for _ in range(count)]
            median = statistics.median(ms for ms, _ in warm)
            print(f"  {'by AWS URL, HTTPS through the proxy':<44} cold {cold[0]:7.1f} ms   "
                  f"warm median {median:6.2f} ms   status {sorted({s for _, s in warm})}")
        finally:
            running.shutdown()
            running.server_close()


def timed(url: str) -> tuple[float, int]:
    start = time.perf_counter()
    status, _, _ = call(url, method="POST", body=BODY, headers=HEADERS)
    return (time.perf_counter() - start) * 1000, status


def measure(label: str, url: str, count: int) -> float:
    cold, cold_status = timed(url)
    warm = [timed(url) for _ in range(count)]
    median = statistics.median(ms for ms, _ in warm)
    statuses = sorted({s for _, s in warm} | {cold_status})
    print(f"  {label:<44} cold {cold:7.1f} ms   warm median {median:6.2f} ms   "
          f"status {statuses}   bar (<= 15 ms): {'OK' if median <= 15 else 'MISSED'}")
    return median


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--process", action="store_true")
    parser.add_argument("--proxy", action="store_true")
    args = parser.parse_args()
    if args.process:
        with tempfile.TemporaryDirectory() as state:
            info = endpoint.start(Path(state))
            try:
                measure("endpoint process: POST /orders/{id} (AWS)", deploy(info.url),
                        args.requests)
            finally:
                endpoint.stop(Path(state))
        return
    LambdaFunction._invoke_lambda = run_inline  # type: ignore[method-assign]
    server = InProcessEndpoint()
    try:
        url = deploy(server.url)
        measure("in process: POST /orders/{id} (AWS, templates)", url, args.requests)
        if args.proxy:
            through_proxy(url, args.requests)
    finally:
        server.close()


if __name__ == "__main__":
    main()
