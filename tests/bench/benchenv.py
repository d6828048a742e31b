"""The benchmark's target: a moto server (ws's, with change sets fixed: asyncmoto.py) behind
the asynchronous CloudFormation proxy, and the environment a `ws` subprocess runs in."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from asynccfn import AsyncStacks, Timing
from cfnproxy import Proxy

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
SRC = REPO / "tools" / "ws" / "src"
REGION, ACCOUNT = "us-east-1", "123456789012"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _answers(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/moto-api/", timeout=0.5):
            return True
    except urllib.error.HTTPError:
        return True
    except OSError:
        return False


@contextmanager
def moto_server(log: Path) -> Iterator[int]:
    """A moto server subprocess on a free port, stopped (by its pid) on exit."""
    with moto_process(log) as (proc, port):
        yield port


@contextmanager
def moto_process(log: Path) -> Iterator[tuple[subprocess.Popen, int]]:
    """moto_server, with its process (a test may kill it)."""
    port = free_port()
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(HERE), str(SRC)])}
    with open(log, "ab") as out:
        proc = subprocess.Popen([sys.executable, str(HERE / "asyncmoto.py"), "--port", str(port)],
                                stdout=out, stderr=subprocess.STDOUT, env=env)
    try:
        deadline = time.monotonic() + 30
        while not _answers(port):
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the moto server did not start; see {log}")
            time.sleep(0.1)
        _warm_up(port)
        yield proc, port
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _warm_up(port: int) -> None:
    """Create and delete one stack straight on moto (not through the proxy: not counted): the
    server imports its CloudFormation and SSM code on first use (0.5 s or more), which would
    otherwise be charged to the first shape's cold deploy."""
    import boto3

    cfn = boto3.client("cloudformation", endpoint_url=f"http://127.0.0.1:{port}",
                       region_name=REGION, aws_access_key_id="testing",
                       aws_secret_access_key="testing")
    body = ('{"Resources": {"P": {"Type": "AWS::SSM::Parameter", "Properties": '
            '{"Name": "/bench/warm-up", "Type": "String", "Value": "v"}}}, "Outputs": {"O": {"Value": "o"}}}')
    cfn.create_stack(StackName="bench-warm-up", TemplateBody=body)
    cfn.describe_stack_events(StackName="bench-warm-up")
    cfn.delete_stack(StackName="bench-warm-up")


@contextmanager
def async_target(timing: Timing, log: Path) -> Iterator[Proxy]:
    """moto behind the asynchronous proxy, for the duration of the block."""
    with moto_server(log) as port:
        proxy = Proxy(port, AsyncStacks(timing)).start()
        try:
            yield proxy
        finally:
            proxy.stop()


def aws_env(endpoint_url: str) -> dict[str, str]:
    """A subprocess environment in which boto3 (so ws) talks to `endpoint_url` as to AWS."""
    env = {k: v for k, v in os.environ.items()  # bytecode cached, as in a user's install
           if not k.startswith(("AWS_", "WS_")) and k not in ("CI", "GITHUB_ACTIONS",
                                                              "PYTHONDONTWRITEBYTECODE")}
    env.update(AWS_ENDPOINT_URL=endpoint_url, AWS_ACCESS_KEY_ID="testing",
               AWS_SECRET_ACCESS_KEY="testing", AWS_DEFAULT_REGION=REGION,
               AWS_CONFIG_FILE=os.devnull, AWS_SHARED_CREDENTIALS_FILE=os.devnull,
               PYTHONPATH=str(SRC), NO_COLOR="1", COLUMNS="200")
    return env
