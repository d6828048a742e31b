"""Faults injected into real deploys on the local endpoint; after each, the next `ws deploy`
must converge: every stack healthy, outputs wired, resources there. Used by test_faults.py and
report.py. Each fault returns how many faults it injected and whether the workspace converged."""
from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import boto3
from botocore.awsrequest import AWSResponse

from ws import api
from ws.cloud import backend
from ws.cloud.backend import LOCAL_ENDPOINT_VAR
from ws.cloud.locks import LockTable
from ws.cloud.stackops import GOOD
from ws.engine.run import RunOptions
from ws.local import endpoint as lifecycle
from ws.testing.workspaces import queue_template, workspace_files, write_tree

CHAIN = ("db", "app", "web", "cdn", "lone", "extra")  # db -> app -> web -> cdn; two alone


@dataclass
class Outcome:
    name: str
    injected: int
    converged: bool
    detail: str = ""


def workspace(root: Path, lock_ttl: int = 60) -> Path:
    stacks: dict[str, Any] = {"db": (queue_template({"Url": {"Ref": "Queue"}}), {})}
    for up, name in (("db", "app"), ("app", "web"), ("web", "cdn")):
        stacks[name] = (queue_template({"Url": {"Ref": "Queue"}, "Up": {"Ref": "In"}},
                                       parameters=["In"]), {"parameters": {"In": f"${{{up}.Url}}"}})
    stacks["lone"] = stacks["extra"] = (queue_template({"Url": {"Ref": "Queue"}}), {})
    files = workspace_files(**stacks)
    files["workspace.yaml"] = {"name": "demo", "defaults": {"lock_ttl": lock_ttl}}
    return write_tree(root, files)


def converged(root: Path, url: str) -> bool:
    """Every stack healthy, each dependent wired to its upstream, every queue really there."""
    outputs = api.outputs(root, "local")
    if any(outputs[name] is None for name in CHAIN):
        return False
    cfn, sqs = _client("cloudformation", url), _client("sqs", url)
    statuses = {s["StackName"]: s["StackStatus"] for s in cfn.describe_stacks()["Stacks"]}
    healthy = all(statuses.get(f"demo-local-{n}") in GOOD for n in CHAIN)
    wired = all(outputs[down]["Up"] == outputs[up]["Url"]
                for up, down in (("db", "app"), ("app", "web"), ("web", "cdn")))
    queues = all(sqs.get_queue_attributes(QueueUrl=outputs[n]["Url"], AttributeNames=["QueueArn"])["Attributes"]
                 for n in CHAIN)
    return healthy and wired and queues


def _client(service: str, url: str) -> Any:
    return boto3.client(service, endpoint_url=url, region_name="us-east-1",
                        aws_access_key_id="testing", aws_secret_access_key="testing")


def endpoint_dies(root: Path) -> Outcome:
    """The endpoint is killed once the first stack is deployed; ws starts a new one next run.
    Runs on ws's own endpoint: WS_LOCAL_ENDPOINT must not be set."""
    assert LOCAL_ENDPOINT_VAR not in os.environ
    workspace(root)
    state = root / ".ws"
    killed = []

    def kill_after_db(report: Any) -> None:
        if report.stack == "db" and not killed:
            info = lifecycle.status(state)
            os.kill(info.pid, signal.SIGKILL)
            killed.append(info.pid)
    try:
        first = api.deploy(root, "local", RunOptions(concurrency=1, on_finish=kill_after_db))
        reasons = [s.reason for s in first.stacks if s.status == "failed"]
        clear = all("connect" in r.lower() or "endpoint" in r.lower() for r in reasons)
        second = api.deploy(root, "local", RunOptions())
        ok = bool(killed) and not first.ok and clear and second.ok \
            and converged(root, lifecycle.status(state).url)
        return Outcome("local endpoint killed mid-deploy", len(killed), ok,
                       f"first run: {len(reasons)} failed, reasons clear: {clear}")
    finally:
        lifecycle.stop(state)


def deploy_killed(root: Path, url: str) -> Outcome:
    """`ws deploy` gets SIGKILL after its first stack; its lock expires; the re-run converges."""
    workspace(root, lock_ttl=5)
    env = {**os.environ, LOCAL_ENDPOINT_VAR: url}
    run = subprocess.Popen([sys.executable, "-m", "ws", "-w", str(root), "deploy", "--env",
                            "local", "--concurrency", "1"], stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, text=True, env=env)
    for line in run.stdout:
        if "| DEPLOYED" in line:
            run.send_signal(signal.SIGKILL)
            break
    run.wait()
    run.stdout.close()
    again = subprocess.run([sys.executable, "-m", "ws", "-w", str(root), "deploy", "--env",
                            "local", "--lock-timeout", "60"], capture_output=True, text=True,
                           env=env, timeout=300)
    ok = run.returncode == -signal.SIGKILL and again.returncode == 0 and converged(root, url)
    return Outcome("ws deploy SIGKILLed mid-run", 1, ok, f"re-run exit {again.returncode}")


ERROR_XML = ('<ErrorResponse xmlns="http://cloudformation.amazonaws.com/doc/2010-05-15/">'
             '<Error><Type>Sender</Type><Code>{code}</Code><Message>{message}</Message>'
             '</Error><RequestId>ws-fault</RequestId></ErrorResponse>')


class _Raw:
    def __init__(self, body: bytes) -> None:
        self.body = body

    def stream(self, **_: Any):
        yield self.body


def _inject(decide: Callable[[], tuple[int, str, str] | None]) -> Callable[[], None]:
    """Make ws's CloudFormation clients answer some calls with an error; returns an undo."""
    original = backend._factory

    def factory(session: Any, url: str | None, *config: Any) -> Callable[[str], Any]:
        make = original(session, url, *config)

        def client(service: str) -> Any:
            made = make(service)
            if service == "cloudformation":
                made.meta.events.register("before-send.cloudformation", respond)
            return made
        return client

    def respond(request: Any, **_: Any) -> AWSResponse | None:
        fault = decide()
        if fault is None:
            return None
        status, code, message = fault
        body = ERROR_XML.format(code=code, message=message).encode()
        return AWSResponse(request.url, status, {"Content-Type": "text/xml"}, _Raw(body))

    backend._factory = factory
    return lambda: setattr(backend, "_factory", original)


def throttled(root: Path, url: str, share: float = 0.3) -> Outcome:
    """30% of CloudFormation calls are throttled; botocore's retries and ws's polling absorb it."""
    workspace(root)
    rng, counts = random.Random(7), {"calls": 0, "throttled": 0}

    def decide() -> tuple[int, str, str] | None:
        counts["calls"] += 1
        if rng.random() < share:
            counts["throttled"] += 1
            return 400, "Throttling", "Rate exceeded"
        return None
    undo = _inject(decide)
    try:
        report = api.deploy(root, "local", RunOptions())
    finally:
        undo()
    ok = report.ok or api.deploy(root, "local", RunOptions()).ok
    return Outcome("30% of CloudFormation calls throttled", counts["throttled"],
                   ok and converged(root, url),
                   f"{counts['throttled']} of {counts['calls']} calls throttled; "
                   f"first run ok: {report.ok}")


def credentials_expire(root: Path, url: str, after: int = 12) -> Outcome:
    """Credentials expire after some calls: stacks fail with a clear reason; the next run
    (fresh credentials) converges."""
    workspace(root)
    counts = {"calls": 0, "refused": 0}

    def decide() -> tuple[int, str, str] | None:
        counts["calls"] += 1
        if counts["calls"] > after:
            counts["refused"] += 1
            return 403, "ExpiredToken", "The security token included in the request is expired"
        return None
    undo = _inject(decide)
    try:
        first = api.deploy(root, "local", RunOptions(concurrency=1))
    except Exception as exc:  # before any stack: the batched describe itself was refused
        first, early = None, str(exc)
    else:
        early = ""
    finally:
        undo()
    reasons = [s.reason for s in first.stacks if s.status == "failed"] if first else [early]
    clear = bool(reasons) and all("expired" in r for r in reasons)
    second = api.deploy(root, "local", RunOptions())
    return Outcome("credentials expire mid-run", 1, clear and second.ok and converged(root, url),
                   f"failed stacks' reasons clear: {clear}")


def cache_corrupted(root: Path, url: str) -> Outcome:
    """ws's disk state (.ws/) is garbage: the deployed stacks stay the truth."""
    workspace(root)
    first = api.deploy(root, "local", RunOptions())
    state = root / ".ws"
    (state / "durations").mkdir(parents=True, exist_ok=True)
    (state / "durations" / "local.json").write_bytes(b"\x00\xffnot json")
    (state / "build").mkdir(exist_ok=True)
    (state / "build" / "deadbeef.done").write_bytes(b"\xff garbage")
    again = api.deploy(root, "local", RunOptions(changed=True))
    unchanged = all(s.status == "unchanged" for s in again.stacks)
    return Outcome("disk cache corrupted", 2, first.ok and again.ok and unchanged
                   and converged(root, url), f"re-run left every stack unchanged: {unchanged}")


def lock_broken(root: Path, url: str) -> Outcome:
    """Someone runs `ws unlock` while a deploy goes on: the run finds out at its next renewal,
    starts nothing new and fails saying so; the next deploy converges."""
    workspace(root, lock_ttl=5)
    table = LockTable(_client("dynamodb", url))
    broken: list[str] = []

    def unlock_after_db(report: Any) -> None:
        if report.stack == "db" and not broken:
            for key, holder in table.holders("demo/local/").items():
                if table.break_lock(key, holder.version):
                    broken.append(key)
            time.sleep(2.5)  # the heartbeat renews every lock_ttl/3
    first = api.deploy(root, "local", RunOptions(concurrency=1, on_finish=unlock_after_db))
    not_run = [s for s in first.stacks if s.status == "not run"]
    clear = bool(not_run) and all("lost the lock" in s.reason for s in not_run) \
        and "lost the lock" in first.error and first.exit_code == 1
    second = api.deploy(root, "local", RunOptions())
    return Outcome("locks broken mid-run (ws unlock)", len(broken),
                   clear and second.ok and converged(root, url),
                   f"first run: {len(not_run)} not started, failed clearly: {clear}")
