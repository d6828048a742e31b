"""Stack locks, in the local endpoint's DynamoDB: contention, renewal, expiry of a killed
holder, unlock, two real `ws deploy` processes at once, and disjoint groups side by side."""
from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import threading
import time

import pytest
from click.testing import CliRunner
from ws import adminapi, api
from ws.cli import commands as cli
from ws.cloud.leases import hold
from ws.cloud.locks import LockError, LockTable
from ws.engine.request import Observer, RunRequest
from ws.errors import EXIT_LOCKED
from ws.testing.workspaces import broken_template, queue_template, workspace_files, write_tree

DB = queue_template({"QueueUrl": {"Ref": "Queue"}})
APP = queue_template({"Upstream": {"Ref": "DbQueue"}}, parameters=["DbQueue"])


@pytest.fixture
def table(aws):
    return LockTable(aws("dynamodb"))


@pytest.fixture
def workspace(tmp_path, endpoint):
    files = workspace_files(db=(DB, {}), app=(APP, {"parameters": {"DbQueue": "${db.QueueUrl}"}}),
                            lone=(DB, {}))
    return write_tree(tmp_path, files)


def test_second_holder_waits_then_fails_naming_the_holder(table):
    waits = []
    with hold(table, ["demo/local/db", "demo/local/app"], timeout=5, ttl=1.5):
        time.sleep(2)  # longer than the ttl: the heartbeat keeps the locks
        with pytest.raises(LockError) as info:
            with hold(table, ["demo/local/x", "demo/local/db"], timeout=0.5, ttl=1.5,
                      on_wait=waits.append):
                pass
        with hold(table, ["demo/other/db", "demo/local/lone"], timeout=0, ttl=1.5):
            pass  # another environment, another stack: no wait
    assert info.value.exit_code == EXIT_LOCKED
    assert "demo/local/db is locked" in str(info.value)
    assert f"pid {os.getpid()}" in str(info.value) and "ws unlock" in info.value.hint
    assert [w.pid for w in waits] == [os.getpid()]
    assert table.holder("demo/local/x") is None  # what a failed wait took is given back
    with hold(table, ["demo/local/db", "demo/local/app"], timeout=0, ttl=1.5):
        pass  # released on exit


HOLDER = textwrap.dedent("""
    import sys, time, boto3
    from ws.cloud.leases import hold
    from ws.cloud.locks import LockTable
    db = boto3.client("dynamodb", endpoint_url=sys.argv[1], region_name="us-east-1",
                      aws_access_key_id="testing", aws_secret_access_key="testing")
    with hold(LockTable(db), ["demo/local/db"], timeout=5, ttl=2):
        print("held", flush=True)
        time.sleep(600)
""")


def _killed_holder(endpoint: str, keys: list[str], ttl: float) -> int:
    """A process that took `keys` (one transaction) and was SIGKILLed: its pid."""
    script = HOLDER.replace('["demo/local/db"]', repr(keys)).replace("ttl=2", f"ttl={ttl}")
    child = subprocess.Popen([sys.executable, "-c", script, endpoint], stdout=subprocess.PIPE,
                             text=True)
    assert child.stdout.readline().strip() == "held"
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    child.stdout.close()
    return child.pid


def test_a_holder_dead_on_this_host_is_taken_over_at_once_and_said(table, endpoint):
    """Proven dead (same boot and PID namespace, its pid gone): no lease to wait, no question
    asked (CI has no terminal), one line saying whose locks and why."""
    keys = [f"demo/local/s{i}" for i in range(3)]
    pid = _killed_holder(endpoint, keys, ttl=300)
    said, waits = [], []
    started = time.monotonic()
    with hold(table, keys, timeout=0, ttl=2, on_wait=waits.append,
              on_take_over=lambda holder, why: said.append((holder.pid, why))):
        took = time.monotonic() - started
        assert {table.holder(key).pid for key in keys} == {os.getpid()}
    assert said == [(pid, "its process is gone from this host")] and waits == []
    assert took < 10  # not the dead run's 300 s lease


def test_a_killed_runs_locks_lapse_together_after_one_lease(table, endpoint, aws):
    """Not provably dead (it ran on another host, as far as this one can tell): its locks,
    all stopped being renewed at the same moment, are judged as one lease, not one each."""
    keys = [f"demo/local/s{i}" for i in range(6)]
    pid = _killed_holder(endpoint, keys, ttl=1.5)
    for key in keys:  # as if it had run on another machine
        aws("dynamodb").update_item(TableName="ws-locks", Key={"id": {"S": key}},
                                    UpdateExpression="SET host = :h",
                                    ExpressionAttributeValues={":h": {"S": "elsewhere"}})
    said = []
    started = time.monotonic()
    with hold(table, keys, timeout=60, ttl=1.5,
              on_take_over=lambda holder, why: said.append((holder.pid, why))):
        took = time.monotonic() - started
        assert {table.holder(key).pid for key in keys} == {os.getpid()}
    assert said == [(pid, "not renewed for 1.5 s")]
    assert 1.5 <= took < 6  # one lease in all; one per lock would be 9 s or more


def test_a_live_holder_is_never_taken_over(table):
    with hold(table, ["demo/local/db"], timeout=5, ttl=30):
        asked = []
        with pytest.raises(LockError):  # our own pid is alive: never "dead here"
            with hold(table, ["demo/local/db"], timeout=0.5, ttl=30,
                      on_take_over=lambda holder, why: asked.append(holder)):
                pass
        assert asked == []


def test_unlock_breaks_a_dead_runs_locks_after_confirmation(workspace, table):
    """A run that died holding its locks (taken, never renewed): shown, then broken once
    confirmed and once a renewal would have come (a lease/3 and a second)."""
    from ws.cloud.lockholder import me

    runner = CliRunner()
    base = ["-w", str(workspace), "unlock", "--env", "local"]
    assert "is not locked" in runner.invoke(cli.cli, base).output
    for key in ("demo/local/db", "demo/local/app"):
        assert table.try_acquire(key, me(table.clock), "dead-run", 1.5) is None
    refused = runner.invoke(cli.cli, base)
    assert refused.exit_code == 2 and "needs confirmation" in refused.output
    assert "demo/local/app is locked by" in refused.output
    assert f"pid {os.getpid()}" in refused.output
    broken = runner.invoke(cli.cli, [*base, "--yes"])
    assert broken.exit_code == 0 and "2 lock(s) broken" in broken.output
    assert "a lock its run renews meanwhile is alive, and kept" in broken.output
    assert table.holder("demo/local/db") is None and table.holder("demo/local/app") is None


def test_unlock_yes_keeps_the_locks_of_a_live_run(workspace, table):
    """--yes (CI) gives no person time to think: the locks of a run that is alive (it renews
    them) are still kept, however fast the answer."""
    with hold(table, ["demo/local/db"], timeout=0, ttl=1.5) as lease:  # renewed every 0.5 s
        result = CliRunner().invoke(cli.cli, ["-w", str(workspace), "unlock", "--env", "local",
                                              "--yes"])
        assert result.exit_code == 0 and "0 lock(s) broken" in result.output
        assert "demo/local/db not broken: it was renewed" in result.output
        assert lease.problem() == "" and table.holder("demo/local/db") is not None


def _collect(stream, into: list[str]) -> threading.Thread:
    """Read a process's output into `into` as it comes (so a test can wait for a line)."""
    thread = threading.Thread(target=lambda: into.extend(iter(stream.readline, "")), daemon=True)
    thread.start()
    return thread


def test_two_deploy_processes_wait_their_turn_and_both_end_correct(workspace, table, aws):
    with hold(table, ["demo/local/db"], timeout=0, ttl=60):
        runs = [subprocess.Popen([sys.executable, "-m", "ws", "-w", str(workspace), "deploy",
                                  "--env", "local", "--lock-timeout", "120"],
                                 stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
                for _ in range(2)]
        lines: list[list[str]] = [[], []]
        readers = [_collect(run.stdout, into) for run, into in zip(runs, lines)]
        deadline = time.monotonic() + 120  # however slow the machine: both must find it locked
        while not all(any("waiting for the environment's lock" in line for line in out)
                      for out in lines) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert aws("cloudformation").describe_stacks()["Stacks"] == []
    for run, reader in zip(runs, readers):
        run.wait(timeout=300)
        reader.join(timeout=10)
    outputs = ["".join(out) for out in lines]
    assert [run.returncode for run in runs] == [0, 0], outputs
    assert all("waiting for the environment's lock" in out for out in outputs), outputs
    stacks = {s["StackName"]: s for s in aws("cloudformation").describe_stacks()["Stacks"]}
    assert set(stacks) == {"demo-local-db", "demo-local-app", "demo-local-lone"}
    assert {s["StackStatus"] for s in stacks.values()} <= {"CREATE_COMPLETE", "UPDATE_COMPLETE"}
    assert api.outputs(workspace, "local")["app"]["Upstream"] == \
        api.outputs(workspace, "local")["db"]["QueueUrl"]
    assert table.holders("demo/local/") == {}


def test_disjoint_groups_deploy_side_by_side(workspace, table, aws):
    """A run holding `lone` does not hold up a group deploy of db and app (a CI fan-out),
    but does hold up a deploy of everything."""
    with hold(table, ["demo/local/lone"], timeout=0, ttl=60):
        report = api.deploy(workspace, "local", RunRequest.of(("db", "app"), lock_timeout=0))
        assert report.ok
        with pytest.raises(LockError, match="demo/local/lone is locked"):
            api.deploy(workspace, "local", RunRequest(lock_timeout=0))
    assert table.holders("demo/local/") == {}


def test_the_first_lock_is_renewed_while_the_run_waits_for_the_next(table):
    """Renewal starts at the first acquisition: a run that waits longer than a lease for its
    second lock still holds its first."""
    taken = threading.Event()

    def second_run() -> None:
        with hold(table, ["demo/local/a", "demo/local/b"], timeout=20, ttl=1.5,
                  on_wait=lambda holder: taken.set()):
            pass
    with hold(table, ["demo/local/b"], timeout=0, ttl=1.5):  # held by a first run
        waiter = threading.Thread(target=second_run)
        waiter.start()
        assert taken.wait(10)  # the second run holds a and waits for b
        with pytest.raises(LockError, match="demo/local/a is locked"):
            with hold(table, ["demo/local/a"], timeout=4, ttl=1.5):  # 4 s: over two leases
                pass
    waiter.join(30)
    assert table.holders("demo/local/") == {}


def test_a_holder_whose_clock_is_an_hour_behind_keeps_its_lock(table, aws):
    """Expiry is judged by the waiter's own clock watching the version, not by timestamps."""
    behind = LockTable(aws("dynamodb"), clock=lambda: time.time() - 3600)
    with hold(behind, ["demo/local/db"], timeout=0, ttl=1.5):
        with pytest.raises(LockError, match="demo/local/db is locked"):
            with hold(table, ["demo/local/db"], timeout=3, ttl=1.5):
                pass


def test_unlock_breaks_only_the_locks_it_showed_at_the_version_shown(workspace, table):
    with hold(table, ["demo/local/db"], timeout=0, ttl=0.6):  # renewed every 0.2 s: alive
        prefix, shown = adminapi.lock_holders(workspace, "local")
        time.sleep(0.8)
        with hold(table, ["demo/local/app"], timeout=0, ttl=60):  # taken after the listing
            broken, moved = adminapi.unlock(workspace, "local",
                                       {key: h.version for key, h in shown.items()})
            assert (broken, moved) == ([], ["demo/local/db"])
            assert table.holder("demo/local/app") is not None
        assert table.holder("demo/local/db") is not None


def test_a_lost_lock_starts_nothing_new_and_fails_the_run(tmp_path, endpoint, table):
    files = workspace_files(db=(DB, {}), app=(APP, {"parameters": {"DbQueue": "${db.QueueUrl}"}}))
    files["workspace.yaml"]["defaults"] = {"lock_ttl": 5}
    root = write_tree(tmp_path, files)

    def break_locks(report) -> None:
        if report.stack == "db":  # someone runs ws unlock while the run goes on
            for key, holder in table.holders("demo/local/").items():
                table.break_lock(key, holder.version)
            time.sleep(2.5)  # the heartbeat (every lock_ttl/3) finds out
    report = api.deploy(root, "local", RunRequest(concurrency=1), Observer(on_finish=break_locks))
    by_stack = {s.stack: s for s in report.stacks}
    assert by_stack["db"].status == "deployed" and by_stack["app"].status == "not run"
    assert "lost the lock demo/local/app" in by_stack["app"].reason
    assert not report.ok and report.exit_code == 1 and "lost the lock" in report.error


def test_a_run_takes_and_gives_back_all_its_locks_in_one_transaction(table, aws):
    """One TransactWriteItems takes every lock of a run, one gives them back; when one of
    them is held, the run falls back to one lock at a time (sorted) and still gives back
    what it took."""
    table.ensure()  # else the first transaction finds no table, makes it and tries again
    calls = []
    table.db.meta.events.register("before-call.dynamodb",
                                  lambda model, **_: calls.append(model.name))
    keys = [f"demo/local/s{i:03d}" for i in range(120)]  # more than one transaction holds
    with hold(table, keys, timeout=0, ttl=60) as lease:
        assert sorted(lease.held()) == keys
        assert len(table.holders("demo/local/s")) == 120
    assert calls.count("TransactWriteItems") == 4  # 100 + 20 taken, 100 + 20 given back
    assert "PutItem" not in calls and "DeleteItem" not in calls
    assert table.holders("demo/local/s") == {}
    with hold(table, ["demo/local/s050"], timeout=0, ttl=60):
        with pytest.raises(LockError, match="demo/local/s050 is locked"):
            with hold(table, keys[:60], timeout=0, ttl=60):
                pass
        assert set(table.holders("demo/local/s")) == {"demo/local/s050"}


def test_a_changed_run_locks_what_another_run_changed_before_deploying_it(workspace, table,
                                                                          monkeypatch, tmp_path):
    """--changed locks what its first read says will change; a stack another run deploys in
    between (here db, from another checkout) is locked too before this run touches it."""
    from ws.engine import flow

    assert api.deploy(workspace, "local", RunRequest()).ok
    describe(workspace / "stacks" / "lone" / "template.yaml", "edited")
    other = tmp_path / "other"
    shutil.copytree(workspace, other)
    describe(other / "stacks" / "db" / "template.yaml", "theirs")
    locking, taken = flow.locked, []

    def spied(ws, env, backend, request, observer, stacks):
        taken.append(sorted(stacks))
        if len(taken) == 1:  # the other run deploys db between this run's read and its lock
            monkeypatch.setattr(flow, "locked", locking)
            assert api.deploy(other, "local", RunRequest.of(("db",))).ok
            monkeypatch.setattr(flow, "locked", spied)
        return locking(ws, env, backend, request, observer, stacks)
    monkeypatch.setattr(flow, "locked", spied)
    report = api.deploy(workspace, "local", RunRequest(changed=True))
    assert report.ok
    assert taken == [["lone"], ["app", "db", "lone"]]  # app waits for db's outputs
    assert {s.stack: s.status for s in report.stacks}["db"] == "deployed"
    assert table.holders("demo/local/") == {}


def describe(template, text):
    body = json.loads(template.read_text())
    template.write_text(json.dumps({**body, "Description": text}))


def test_a_stack_done_gives_its_lock_back_before_the_run_ends(workspace, table):
    """db's lock goes back once db is deployed, while the run goes on (its on_finish holds
    the run's loop); app's, which failed, at the end."""
    write_tree(workspace, {"stacks/app/template.yaml": broken_template(parameters=("DbQueue",))})
    seen = {}

    def finished(report) -> None:
        if report.stack == "db":
            deadline = time.monotonic() + 5
            while table.holder("demo/local/db") is not None and time.monotonic() < deadline:
                time.sleep(0.02)
            seen["db"] = table.holder("demo/local/db")
        if report.stack == "app":
            seen["app"] = table.holder("demo/local/app")
    report = api.deploy(workspace, "local", RunRequest(), Observer(on_finish=finished))
    assert {s.stack: s.status for s in report.stacks}["app"] == "failed"
    assert seen["db"] is None and seen["app"] is not None
    assert table.holders("demo/local/") == {}
