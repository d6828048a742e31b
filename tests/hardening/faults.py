"""Faults injected into real deploys on the local endpoint; after each, the next `ws deploy`
must converge: every stack healthy, outputs wired, resources there. Used by test_faults.py and
report.py. Each fault returns how many faults it injected and whether the workspace converged."""
from __future__ import annotations

import getpass
import json
import os
import random
import signal
import socket
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
from ws.engine.request import Observer, RunRequest
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
    # UPDATE_ROLLBACK_COMPLETE is at rest too: after a failed update rolled back to the very
    # template wanted now, the next deploy has nothing to change (as on AWS)
    healthy = all(statuses.get(f"demo-local-{n}") in GOOD | {"UPDATE_ROLLBACK_COMPLETE"}
                  for n in CHAIN)
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
        first = api.deploy(root, "local", RunRequest(concurrency=1),
                           Observer(on_finish=kill_after_db))
        reasons = [s.reason for s in first.stacks if s.status == "failed"]
        clear = all("connect" in r.lower() or "endpoint" in r.lower() for r in reasons)
        second = api.deploy(root, "local", RunRequest())
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
    said = f"taking over the locks of {getpass.getuser()}@{socket.gethostname()} (pid {run.pid})"
    told = said in again.stderr and "its process is gone from this host" in again.stderr
    ok = run.returncode == -signal.SIGKILL and again.returncode == 0 and told \
        and converged(root, url)
    return Outcome("ws deploy SIGKILLed mid-run", 1, ok,
                   f"re-run exit {again.returncode}, said it took the locks over: {told}")


def stdout_closed(root: Path, url: str) -> Outcome:
    """`ws deploy | head -1`: the reader closes stdout after the first line. The deploy goes
    on to its end (not interrupted), writes its report and exits 0, silently."""
    workspace(root)
    report = root / "run.json"
    env = {**os.environ, LOCAL_ENDPOINT_VAR: url}
    run = subprocess.Popen([sys.executable, "-m", "ws", "-w", str(root), "deploy", "--env",
                            "local", "--concurrency", "1", "--report", str(report)],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    run.stdout.readline()
    run.stdout.close()  # `head -1` has its line
    errors = run.stderr.read()
    run.wait()
    run.stderr.close()
    written = report.exists() and json.loads(report.read_text()).get("ok") is True
    ok = run.returncode == 0 and errors == "" and written and converged(root, url)
    return Outcome("stdout closed mid-deploy (ws deploy | head -1)", 1, ok,
                   f"exit {run.returncode}, report written: {written}"
                   + (f", stderr: {errors[-300:]!r}" if errors else ""))


SLOW_FUNCTION = """
import json, time, urllib.request

def handler(event, context):
    time.sleep(float(event["ResourceProperties"]["Seconds"]))
    answer = {"Status": "SUCCESS", "PhysicalResourceId": "slow", "StackId": event["StackId"],
              "RequestId": event["RequestId"], "LogicalResourceId": event["LogicalResourceId"]}
    request = urllib.request.Request(event["ResponseURL"], method="PUT",
                                     data=json.dumps(answer).encode())
    urllib.request.urlopen(request, timeout=5).close()
"""


def slow_db(seconds: float) -> str:
    """db's template: its queue, and a custom resource whose function takes `seconds` (the
    local endpoint finishes CreateStack only then: a stack operation in flight to interrupt)."""
    role = {"AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"},
        "Action": "sts:AssumeRole"}]}}
    return json.dumps({"Resources": {
        "Queue": {"Type": "AWS::SQS::Queue"},
        "Role": {"Type": "AWS::IAM::Role", "Properties": role},
        "Sleeper": {"Type": "AWS::Lambda::Function", "Properties": {
            "Runtime": "python3.11", "Handler": "index.handler", "Timeout": 60,
            "Role": {"Fn::GetAtt": ["Role", "Arn"]}, "Code": {"ZipFile": SLOW_FUNCTION}}},
        "Slow": {"Type": "Custom::Slow", "Properties": {
            "ServiceToken": {"Fn::GetAtt": ["Sleeper", "Arn"]}, "Seconds": str(seconds)}}},
        "Outputs": {"Url": {"Value": {"Ref": "Queue"}}}})


INTERRUPTS = {"Ctrl-C once": ("SIGINT",), "Ctrl-C twice": ("SIGINT", "SIGINT"),
              "SIGTERM": ("SIGTERM",), "SIGKILL": ("SIGKILL",)}


def interrupted(root: Path, url: str, kind: str, seconds: float = 4.0) -> Outcome:
    """`ws deploy --report` is interrupted (`kind`, see INTERRUPTS) while db's operation runs.
    Ctrl-C once: db finishes, nothing new starts. Twice or SIGTERM: ws stops waiting at once.
    Each ends with exit 130 and the report written (SIGKILL: neither); the re-run converges."""
    workspace(root, lock_ttl=5)
    (root / "stacks/db/template.yaml").write_text(slow_db(seconds))
    report = root / "run.json"
    env = {**os.environ, LOCAL_ENDPOINT_VAR: url}
    run = subprocess.Popen([sys.executable, "-m", "ws", "-w", str(root), "deploy", "--env",
                            "local", "--concurrency", "1", "--report", str(report)],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
    output = []
    for line in run.stdout:
        output.append(line)
        if line.strip().startswith("db | creating stack"):
            break
    time.sleep(0.5)  # db's custom resource is running in the endpoint now
    sent = time.monotonic()
    for name in INTERRUPTS[kind]:
        run.send_signal(getattr(signal, name))
        time.sleep(0.3)
    output += run.stdout.readlines()
    run.wait()
    took = time.monotonic() - sent
    run.stdout.close()
    ended = _ended_as_expected(kind, run.returncode, report, took, seconds)
    again = subprocess.run([sys.executable, "-m", "ws", "-w", str(root), "deploy", "--env",
                            "local", "--lock-timeout", "60"], capture_output=True, text=True,
                           env=env, timeout=300)
    ok = ended == "" and again.returncode == 0 and converged(root, url)
    detail = (f"exit {run.returncode} after {took:.1f} s, report "
              f"{'written' if report.exists() else 'not written'}; re-run exit "
              f"{again.returncode}" + (f"; {ended}" if ended else ""))
    if not ok:
        detail += "\n" + "".join(output)[-2000:] + again.stdout[-2000:] + again.stderr[-2000:]
    return Outcome(f"ws deploy: {kind} mid-run", 1, ok, detail)


def _ended_as_expected(kind: str, code: int, report: Path, took: float, seconds: float) -> str:
    """What is wrong with how the interrupted run ended ("" when nothing)."""
    if kind == "SIGKILL":
        return "" if code == -signal.SIGKILL else f"exit {code}, not killed"
    if code != 130:
        return f"exit {code}, not 130"
    if not report.exists():
        return "no report"
    data = json.loads(report.read_text())
    db = next(s for s in data["stacks"] if s["stack"] == "db")
    if kind == "Ctrl-C once":
        return "" if db["status"] == "deployed" else f"db {db['status']}, not deployed"
    if took > seconds - 0.5:  # it waited for db instead of stopping at once
        return f"took {took:.1f} s: it waited for the running stack"
    return "" if db["status"] == "interrupted" else f"db {db['status']}, not interrupted"


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
        report = api.deploy(root, "local", RunRequest())
    finally:
        undo()
    ok = report.ok or api.deploy(root, "local", RunRequest()).ok
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
        first = api.deploy(root, "local", RunRequest(concurrency=1))
    except Exception as exc:  # before any stack: the batched describe itself was refused
        first, early = None, str(exc)
    else:
        early = ""
    finally:
        undo()
    reasons = [s.reason for s in first.stacks if s.status == "failed"] if first else [early]
    clear = bool(reasons) and all("expired" in r for r in reasons)
    second = api.deploy(root, "local", RunRequest())
    return Outcome("credentials expire mid-run", 1, clear and second.ok and converged(root, url),
                   f"failed stacks' reasons clear: {clear}")


def cache_corrupted(root: Path, url: str) -> Outcome:
    """ws's disk state (.ws/) is garbage: the deployed stacks stay the truth."""
    workspace(root)
    first = api.deploy(root, "local", RunRequest())
    state = root / ".ws"
    (state / "durations").mkdir(parents=True, exist_ok=True)
    (state / "durations" / "local.json").write_bytes(b"\x00\xffnot json")
    (state / "build").mkdir(exist_ok=True)
    (state / "build" / "deadbeef.done").write_bytes(b"\xff garbage")
    again = api.deploy(root, "local", RunRequest(changed=True))
    unchanged = all(s.status == "unchanged" for s in again.stacks)
    return Outcome("disk cache corrupted", 2, first.ok and again.ok and unchanged
                   and converged(root, url), f"re-run left every stack unchanged: {unchanged}")


# Valid on AWS; moto raises on an SSM::Parameter without a Name: a resource failing inside it.
FAILING = {"Type": "AWS::SSM::Parameter", "Properties": {"Type": "String", "Value": "v"}}


def _with_failing(root: Path, name: str) -> None:
    path = root / "stacks" / name / "template.yaml"
    body = json.loads(path.read_text())
    body["Resources"]["Param"] = FAILING
    path.write_text(json.dumps(body, indent=1))


def resource_fails_in_endpoint(root: Path, url: str) -> Outcome:
    """A resource raises inside moto on a create (app) and on an update (lone): each stack
    rolls back with the resource named, every read still answers (plan, outputs, the
    endpoint's stacks), and once the templates are fixed the next deploy converges."""
    workspace(root)
    healthy = {name: (root / "stacks" / name / "template.yaml").read_text() for name in CHAIN}
    first = api.deploy(root, "local", RunRequest.of(("db", "lone", "extra")))
    _with_failing(root, "app")
    _with_failing(root, "lone")
    failing = api.deploy(root, "local", RunRequest())
    reasons = {s.stack: s.reason for s in failing.stacks if s.status == "failed"}
    clear = set(reasons) == {"app", "lone"} and \
        reasons["app"].startswith("ROLLBACK_COMPLETE: Param CREATE_FAILED: ") and \
        reasons["lone"].startswith("UPDATE_ROLLBACK_COMPLETE: Param CREATE_FAILED: ")
    statuses = {s["StackName"]: s["StackStatus"]
                for s in _client("cloudformation", url).describe_stacks()["Stacks"]}
    readable = bool(api.plan(root, "local").items) and api.outputs(root, "local")["lone"] \
        is not None and statuses.get("demo-local-app") == "ROLLBACK_COMPLETE"
    write_tree(root, {f"stacks/{n}/template.yaml": text for n, text in healthy.items()})
    second = api.deploy(root, "local", RunRequest())
    return Outcome("a resource fails inside the endpoint (create and update)", len(reasons),
                   first.ok and clear and readable and second.ok and converged(root, url),
                   f"failed: {sorted(reasons)}, reasons clear: {clear}, reads answer: {readable}")


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
    first = api.deploy(root, "local", RunRequest(concurrency=1),
                       Observer(on_finish=unlock_after_db))
    not_run = [s for s in first.stacks if s.status == "not run"]
    clear = bool(not_run) and all("lost the lock" in s.reason for s in not_run) \
        and "lost the lock" in first.error and first.exit_code == 1
    second = api.deploy(root, "local", RunRequest())
    return Outcome("locks broken mid-run (ws unlock)", len(broken),
                   clear and second.ok and converged(root, url),
                   f"first run: {len(not_run)} not started, failed clearly: {clear}")


BENCH = Path(__file__).resolve().parents[1] / "bench"


def aws_endpoint_dies(root: Path, bound: float = 15.0) -> Outcome:
    """On the AWS code path (target aws: change sets, the watcher, locks in DynamoDB) in front
    of the benchmark's asynchronous CloudFormation (tests/bench): moto and the proxy die once
    the first stack is deployed, four others in flight. The run must end within `bound`
    seconds of the kill (not minutes of retries), exit 1, naming the unreachable endpoint."""
    sys.path.insert(0, str(BENCH))
    from asynccfn import AsyncStacks, Timing
    from benchenv import aws_env, moto_process
    from benchshapes import ENV, Shape, layers, write_workspace
    from cfnproxy import Proxy

    shape = Shape("dies", layers(random.Random(7), count=2, width=5).dag)
    write_workspace(root, shape)
    timing = Timing(delay_of=lambda name: 0.5 if name.endswith("l0s0") else 60.0)
    with moto_process(root / "moto.log") as (moto, port):
        proxy = Proxy(port, AsyncStacks(timing)).start()
        run = subprocess.Popen([sys.executable, "-m", "ws", "deploy", "--env", ENV, "--yes"],
                               cwd=root, env=aws_env(proxy.url), stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True)
        output = []
        for line in run.stdout:
            output.append(line)
            if "l0s0 | DEPLOYED" in line:
                break
        moto.kill()
        proxy.stop()
        killed = time.monotonic()
        try:
            output += run.stdout.readlines()
            run.wait(timeout=300)
        finally:
            run.kill()
        took = time.monotonic() - killed
        run.stdout.close()
    text = "".join(output)
    failed = [line for line in output if line.startswith("failed: l0s")]
    clear = len(failed) == 4 and all("Could not connect to the endpoint URL" in line
                                     for line in failed)
    ok = run.returncode == 1 and clear and took < bound
    return Outcome("AWS endpoint killed mid-deploy", 1, ok,
                   f"exit {run.returncode} {took:.1f} s after the kill; stacks in flight "
                   f"failed clearly: {clear}" + ("" if ok else "\n" + text[-3000:]))
