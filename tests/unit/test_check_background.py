"""cfn-lint's check runs in a process forked when the workspace is loaded, while ws connects,
reads, locks and makes change sets; no stack is created or changed before it has passed, and
what it refuses stops the run with nothing changed, exactly as when it runs first."""
from __future__ import annotations

import json
import threading
import time
from collections import Counter

import pytest
from ws.config.environment import load_environment
from ws.config.workspace import load_workspace
from ws.engine.flow import deploy_env as deploy
from ws.engine.request import Observer, RunRequest
from ws.errors import ConfigError
from ws.lint import checker, gate
from ws.testing.fakecloud import FakeCloud
from ws.testing.workspaces import queue_template, workspace_files, write_tree

NO_VALUE = json.loads(queue_template({"Url": {"Ref": "Queue"}}))
NO_VALUE["Outputs"]["Broken"] = {"Description": "no Value: CloudFormation refuses this"}


def loaded(root):
    ws = load_workspace(root)
    return ws, load_environment(ws, "local")


def test_a_refused_template_is_raised_by_the_wait_from_every_thread(tmp_path):
    ws, env = loaded(write_tree(tmp_path, workspace_files(
        db=(json.dumps(NO_VALUE, indent=1), {}), ok=(queue_template({"A": "a"}), {}))))
    check = checker.start(ws, env)  # returns at once: cfn-lint loads in a child
    assert isinstance(check, checker.TemplateCheck) and check.problem() == ""
    gate.send_check(check, ws, env, ["db", "ok"])
    raised = []

    def waiter() -> None:
        try:
            check.wait()
        except ConfigError as exc:
            raised.append(str(exc))
    threads = [threading.Thread(target=waiter) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(raised) == 3 and all("E6002" in r and "stacks/db/template" in r for r in raised)
    assert check.problem() and check.ended >= check.started


def test_only_the_templates_sent_are_checked(tmp_path):
    """A bad template of a stack the deploy leaves out (--stacks) does not stop it."""
    ws, env = loaded(write_tree(tmp_path, workspace_files(
        db=(json.dumps(NO_VALUE, indent=1), {}), ok=(queue_template({"A": "a"}), {}))))
    check = checker.start(ws, env)
    gate.send_check(check, ws, env, ["ok"])
    check.wait()
    assert check.problem() == ""


def test_templates_known_to_pass_fork_nothing(tmp_path, monkeypatch):
    ws, env = loaded(write_tree(tmp_path, workspace_files(ok=(queue_template({"A": "a"}), {}))))
    check = checker.start(ws, env)
    gate.send_check(check, ws, env, ["ok"])
    check.wait()  # checked, and the pass recorded
    monkeypatch.setattr(checker.multiprocessing, "Pipe", None)  # a fork now would fail
    assert checker.start(ws, env) is checker.PASSED


def test_a_check_nobody_needs_is_stopped_not_run_here(tmp_path, monkeypatch):
    ws, env = loaded(write_tree(tmp_path, workspace_files(
        db=(json.dumps(NO_VALUE, indent=1), {}))))
    check = checker.start(ws, env)
    gate.send_check(check, ws, env, ["db"])
    monkeypatch.setattr(checker.precheck, "check", None)  # checking here would fail
    check.cancel()
    assert check._child.exitcode is not None  # stopped and reaped
    check.wait()  # nothing found, nothing raised


def test_a_crash_of_the_check_is_raised_by_every_wait_never_taken_for_a_pass(tmp_path,
                                                                           monkeypatch):
    """cfn-lint crashing on a template (in the child, then in the check run here instead)."""
    ws, env = loaded(write_tree(tmp_path, workspace_files(ok=(queue_template({"A": "a"}), {}))))

    def crash(*args, **kwargs):
        raise RuntimeError("cfn-lint crashed")
    monkeypatch.setattr(checker.precheck, "check", crash)  # (the forked child has it too)
    check = checker.start(ws, env)
    gate.send_check(check, ws, env, ["ok"])
    for _ in range(2):
        with pytest.raises(RuntimeError, match="cfn-lint crashed"):
            check.wait()
    assert check.problem() == "the template check crashed"


def test_the_quick_checks_raise_before_anything_is_sent(tmp_path):
    ws, env = loaded(write_tree(tmp_path, workspace_files(ok=(queue_template({"A": "a"}), {}))))
    check = checker.start(ws, env)
    try:
        with pytest.raises(Exception, match="--allow-replace"):
            gate.send_check(check, ws, env, ["ok"], allow_replace=["nope"])
    finally:
        check.cancel()


# The run: the fake cloud on the asynchronous, change-set path (the production path on AWS).

class SlowCheck(checker.Passed):
    """A check that answers only when released; `refuse` makes its answer an error."""

    def __init__(self, refuse: bool = False, crash: bool = False) -> None:
        self.released, self.refuse, self.waiters = threading.Event(), refuse, set()
        self.crash = crash

    def wait(self, timeout: float | None = None) -> bool:
        self.waiters.add(threading.get_ident())
        if not self.released.wait(30 if timeout is None else timeout):
            if timeout is None:
                raise AssertionError("never released")
            return False
        if self.refuse:
            raise ConfigError("stacks/a/template.yaml:3: E6002 refused", checker.HINT)
        if self.crash:
            raise RuntimeError("cfn-lint crashed")
        return True

    def problem(self) -> str:
        if not self.released.is_set():
            return ""
        return "a template check failed" if self.refuse else \
            "the template check crashed" if self.crash else ""


FILES = workspace_files(a=(queue_template({"Out": "a1"}), {}),
                        b=(queue_template({"B": {"Ref": "In"}}, parameters=["In"]),
                           {"parameters": {"In": "${a.Out}"}}),
                        x=(queue_template({"X": "x1"}), {}))


@pytest.fixture
def deployed(tmp_path):
    """The workspace, deployed once through change sets on the asynchronous fake cloud."""
    write_tree(tmp_path, FILES)
    ws, env = loaded(tmp_path)
    cloud = FakeCloud(asynchronous=True, default_latency=0.05)
    assert deploy(ws, env, cloud.backend(change_sets=True), RunRequest()).ok
    write_tree(tmp_path, {"stacks/a/template.yaml": queue_template({"Out": "a2"}),
                          "stacks/x/template.yaml": queue_template({"X": "x2"})})
    return (*loaded(tmp_path), cloud)


def run_with(check: SlowCheck, ws, env, cloud, ready, told: list | None = None
             ) -> tuple[dict, object]:
    """Deploy with `check`, released once `ready(calls)`; (calls seen at release, outcome);
    what the run tells of each stack is appended to `told`."""
    seen: Counter = Counter()

    def release() -> None:
        deadline = time.monotonic() + 10
        while not ready(cloud.calls) and time.monotonic() < deadline:
            time.sleep(0.01)
        time.sleep(0.1)  # anything that would wrongly go on, goes on now
        seen.update(cloud.calls)
        check.released.set()
    thread = threading.Thread(target=release)
    thread.start()
    try:
        outcome = deploy(ws, env, cloud.backend(change_sets=True), RunRequest(changed=True),
                         Observer(on_finish=(told if told is not None else []).append),
                         check=check)
    except (ConfigError, RuntimeError) as exc:
        outcome = exc
    thread.join()
    return seen, outcome


def test_updates_make_their_change_sets_while_the_check_runs_and_execute_after(deployed):
    ws, env, cloud = deployed
    before = cloud.calls.copy()
    check = SlowCheck()
    seen, report = run_with(check, ws, env, cloud,
                            lambda calls: calls["CreateChangeSet"] - before["CreateChangeSet"] >= 2)
    assert seen["CreateChangeSet"] - before["CreateChangeSet"] == 2  # a and x, not yet b
    assert seen["ExecuteChangeSet"] == before["ExecuteChangeSet"]  # nothing changed before
    assert report.ok and {s.stack: s.status for s in report.stacks} == {
        "a": "deployed", "b": "deployed", "x": "deployed"}  # b: a.Out changed
    assert {o["OutputKey"]: o["OutputValue"] for o in cloud.stacks["demo-local-x"]["Outputs"]
            }["X"] == "x2"


def test_a_refused_template_changes_nothing_and_its_change_sets_are_deleted(deployed):
    ws, env, cloud = deployed
    before = cloud.calls.copy()
    outputs = {name: s["Outputs"] for name, s in cloud.stacks.items()}
    check = SlowCheck(refuse=True)
    told: list = []
    _, outcome = run_with(check, ws, env, cloud,
                          lambda calls: calls["CreateChangeSet"] - before["CreateChangeSet"] >= 2,
                          told)
    assert isinstance(outcome, ConfigError) and "E6002" in str(outcome)
    # the refusal is said once, by the run's error: each stack is "not run", not failed
    assert told and {item.status for item in told} <= {"not run", "unchanged"}
    assert not any("E6002" in item.reason for item in told)
    assert cloud.calls["ExecuteChangeSet"] == before["ExecuteChangeSet"]
    assert cloud.change_sets == {}  # each one made while checking was deleted
    assert {name: s["Outputs"] for name, s in cloud.stacks.items()} == outputs


def test_a_check_that_crashes_changes_nothing_and_keeps_its_traceback(deployed):
    """cfn-lint (or ws) crashing on a template is a bug: raised as it is, never a pass."""
    ws, env, cloud = deployed
    before = cloud.calls.copy()
    _, outcome = run_with(SlowCheck(crash=True), ws, env, cloud,
                          lambda calls: calls["CreateChangeSet"] - before["CreateChangeSet"] >= 2)
    assert isinstance(outcome, RuntimeError) and str(outcome) == "cfn-lint crashed"
    assert cloud.calls["ExecuteChangeSet"] == before["ExecuteChangeSet"]
    assert cloud.change_sets == {}


def test_a_new_stack_waits_for_the_check_before_it_is_created(tmp_path):
    """New stacks are created directly (no change set to review: nothing exists yet), and
    only once the check has passed."""
    write_tree(tmp_path, FILES)
    ws, env = loaded(tmp_path)
    cloud = FakeCloud(asynchronous=True, default_latency=0.05)
    check = SlowCheck()
    seen, report = run_with(check, ws, env, cloud, lambda calls: len(check.waiters) >= 2)
    assert seen["CreateStack"] == 0 and seen["CreateChangeSet"] == 0
    assert report.ok and cloud.calls["CreateStack"] == 3 and cloud.calls["CreateChangeSet"] == 0


def test_a_run_that_stops_waiting_stops_waiting_for_the_check():
    """A second Ctrl-C: a stack waiting for the check gives up at once, not when it ends."""
    from ws.cloud.watcher import Abandoned
    from ws.engine.stackrun import ready_for

    stop, looks = threading.Event(), []
    wait = ready_for(lambda timeout: looks.append(timeout) or False, stop)  # never finishes
    threading.Timer(0.3, stop.set).start()
    started = time.monotonic()
    with pytest.raises(Abandoned):
        wait()
    assert time.monotonic() - started < 2 and looks and set(looks) == {0.1}


def test_a_stack_told_to_stop_while_waiting_for_the_check_does_not_start():
    """After the check passes, a stack still does not start if the run was told meanwhile to
    start nothing new (a first Ctrl-C, a lost lock): "not run", nothing changed."""
    from ws.engine.stackrun import ready_for
    from ws.engine.scheduler import NotStarted

    halted = [""]
    wait = ready_for(lambda timeout: True, threading.Event(), lambda: halted[0])
    wait()  # nothing said: it goes on
    halted[0] = "interrupted"
    with pytest.raises(NotStarted, match="not started: interrupted"):
        wait()


def interrupt_then_release(check: SlowCheck) -> threading.Thread:
    """Once two stacks wait for `check`: one Ctrl-C, then the check passes."""
    import os
    import signal

    def run() -> None:
        deadline = time.monotonic() + 10
        while len(check.waiters) < 2 and time.monotonic() < deadline:
            time.sleep(0.01)
        os.kill(os.getpid(), signal.SIGINT)  # counted by the run, not raised
        time.sleep(0.3)  # the run sees it (it looks every 0.1 s)
        check.released.set()
    thread = threading.Thread(target=run)
    thread.start()
    return thread


def test_ctrl_c_while_new_stacks_wait_for_the_check_creates_none(tmp_path):
    """A first Ctrl-C while every stack waits for the check: running stacks would finish, but
    these have changed nothing yet, so none is created once the check passes."""
    write_tree(tmp_path, FILES)
    ws, env = loaded(tmp_path)
    cloud = FakeCloud(asynchronous=True, default_latency=0.05)
    check = SlowCheck()
    thread = interrupt_then_release(check)
    report = deploy(ws, env, cloud.backend(change_sets=True), RunRequest(), check=check)
    thread.join()
    assert report.interrupted and not report.ok
    assert {s.stack: s.status for s in report.stacks} == dict.fromkeys("abx", "not run")
    assert cloud.calls["CreateStack"] == 0 and cloud.stacks == {}


def test_ctrl_c_while_every_stack_left_waits_for_the_check_is_an_interrupted_run(tmp_path):
    """Every stack has started (waiting for the check) when Ctrl-C comes: the run is
    interrupted (exit 130, not a failure), and each stack is reported once."""
    from ws.errors import EXIT_INTERRUPTED

    write_tree(tmp_path, workspace_files(x=(queue_template(), {}), y=(queue_template(), {})))
    ws, env = loaded(tmp_path)
    cloud = FakeCloud(asynchronous=True, default_latency=0.05)
    check = SlowCheck()
    thread = interrupt_then_release(check)
    told = Counter()
    report = deploy(ws, env, cloud.backend(change_sets=True), RunRequest(),
                    Observer(on_finish=lambda item: told.update([item.stack])), check=check)
    thread.join()
    assert {s.stack: s.status for s in report.stacks} == dict.fromkeys("xy", "not run")
    assert report.interrupted and report.exit_code == EXIT_INTERRUPTED
    assert told == Counter("xy")
    assert cloud.calls["CreateStack"] == 0


def test_the_check_starts_before_ws_imports_what_connects(tmp_path):
    """The check's process is forked as soon as the workspace is loaded, before ws imports
    botocore to connect: it starts that much earlier, and is a smaller process to fork."""
    import subprocess
    import sys

    root = write_tree(tmp_path, workspace_files(db=(queue_template({"A": "a"}), {})))
    code = ("import sys\nfrom ws.lint import checker\n"
            "def start(ws, env, clock=None):\n"
            "    print('BOTOCORE' if 'botocore' in sys.modules else 'NONE', flush=True)\n"
            "    raise SystemExit(0)\n"
            "checker.start = start\n"
            "from ws.cli import cli\ncli(['deploy', '--env', 'local', '--yes'])\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=root)
    assert out.stdout.strip().splitlines()[:1] == ["NONE"], out.stdout + out.stderr
