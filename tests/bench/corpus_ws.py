"""ws run as a user runs it, in a scratch workspace, and boto3 clients of the endpoint it
started (for bench_corpus.py)."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def ws(root: Path, *args: str, timeout: float = 600) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "WS_LOCAL_ENDPOINT"}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT / "tools/ws/src"),
                                                      env.get("PYTHONPATH")]))
    env.setdefault("WS_LOCAL_SQS_RETRY_SECONDS", "1")
    try:
        return subprocess.run([sys.executable, "-m", "ws", *args], cwd=root, env=env,
                              capture_output=True, text=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired as exc:
        return subprocess.CompletedProcess(exc.cmd, 124, "", f"timed out after {timeout:.0f} s")


def endpoint_info(root: Path) -> dict | None:
    """The running endpoint's url and pid, or None."""
    done = ws(root, "local", "status", "--json")
    if done.returncode != 0:
        return None
    try:
        info = json.loads(done.stdout)
    except ValueError:
        return None
    return info if info.get("url") else None


def clients(endpoint: str):
    import boto3
    session = boto3.Session(aws_access_key_id="testing", aws_secret_access_key="testing",
                            region_name="us-east-1")
    from botocore.config import Config
    config = Config(read_timeout=60, retries={"max_attempts": 1})
    return lambda service: session.client(service, endpoint_url=endpoint, config=config)


def stack_exists(cfn, stack_name: str) -> bool:
    try:
        stacks = cfn.describe_stacks(StackName=stack_name)["Stacks"]
    except Exception as exc:  # moto answers a deleted stack's name with "does not exist"
        return "does not exist" not in str(exc)
    return any(s.get("StackStatus") != "DELETE_COMPLETE" for s in stacks)


def resources_of(cfn, stack_name: str) -> list[dict]:
    try:
        return cfn.describe_stack_resources(StackName=stack_name)["StackResources"]
    except Exception as exc:  # the benchmark reports, it does not stop
        return [{"error": str(exc)}]
