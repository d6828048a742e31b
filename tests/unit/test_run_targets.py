"""ws run TARGET: targets over the stack graph, failures skipping only dependents, the cache."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest
from ws import api
from ws.graph.selection import Selection
from ws.tasks.run import RunOptions
from ws.testing.workspaces import queue_template, workspace_files, write_tree

PY = sys.executable


def chain(targets_of: dict[str, dict]) -> dict:
    """a -> b -> c through outputs, d on its own; each stack's targets as given."""
    return workspace_files(
        a=(queue_template({"Out": "x"}), {"targets": targets_of.get("a", {})}),
        b=(queue_template({"Echo": {"Ref": "In"}}, parameters=["In"]),
           {"parameters": {"In": "${a.Out}"}, "targets": targets_of.get("b", {})}),
        c=(queue_template(parameters=["In"]),
           {"parameters": {"In": "${b.Echo}"}, "targets": targets_of.get("c", {})}),
        d=(queue_template(), {"targets": targets_of.get("d", {})}))


def build(command: str = "echo built $WS_STACK", **extra) -> dict:
    return {"build": {"command": command, "dependsOn": ["^build"], **extra}}


def run(root, *targets, stacks=None, since=None, no_cache=False):
    options = RunOptions(parallel=2, use_cache=not no_cache)
    return api.run_targets(root, targets, Selection(stacks, since), options)


def statuses(report):
    return {r.task: r.status for r in report.results}


def test_targets_run_in_graph_order_and_a_failure_skips_only_its_dependents(tmp_path):
    write_tree(tmp_path, chain({"a": build("echo a >> ../../order; exit 3"),
                                "b": build("echo b >> ../../order"),
                                "c": build("echo c >> ../../order"),
                                "d": build("echo d >> ../../order")}))
    report = run(tmp_path, "build")
    assert statuses(report) == {"a:build": "failed", "b:build": "skipped",
                                "c:build": "skipped", "d:build": "ran"}
    assert not report.ok and "exit code 3" in report.results[0].reason + report.results[1].reason
    assert (tmp_path / "order").read_text().split() in (["a", "d"], ["d", "a"])
    skipped = next(r for r in report.results if r.task == "c:build")
    assert "blocked by" in skipped.reason


def test_upstream_targets_finish_first(tmp_path):
    write_tree(tmp_path, chain({name: build(f"echo {name} >> ../../order")
                                for name in "abc"}))
    report = run(tmp_path, "build", stacks=("c",))  # c's ^build brings b's and a's
    assert statuses(report) == dict.fromkeys(["a:build", "b:build", "c:build"], "ran")
    assert (tmp_path / "order").read_text().split() == ["a", "b", "c"]


def test_a_second_run_with_nothing_changed_is_cached_and_replays_the_output(tmp_path):
    write_tree(tmp_path, chain({"a": build(), "b": build()}))
    first = run(tmp_path, "build")
    again = run(tmp_path, "build")
    assert set(statuses(first).values()) == {"ran"}
    assert set(statuses(again).values()) == {"cached"}
    assert {r.task: r.output for r in again.results} == {"a:build": "built a\n",
                                                         "b:build": "built b\n"}
    assert set(statuses(run(tmp_path, "build", no_cache=True)).values()) == {"ran"}


def test_a_changed_input_reruns_the_stack_and_its_dependents_only(tmp_path):
    write_tree(tmp_path, chain({n: build() for n in "abcd"}))
    run(tmp_path, "build")
    (tmp_path / "stacks/b/notes.txt").write_text("new")
    assert statuses(run(tmp_path, "build")) == {"a:build": "cached", "b:build": "ran",
                                                "c:build": "ran", "d:build": "cached"}


def test_a_changed_command_invalidates_the_cache(tmp_path):
    write_tree(tmp_path, chain({"d": build("echo one")}))
    run(tmp_path, "build")
    write_tree(tmp_path, {"stacks/d/stack.yaml": {"targets": build("echo two")}})
    report = run(tmp_path, "build")
    assert statuses(report) == {"d:build": "ran"} and report.results[0].output == "two\n"


def test_a_changed_declared_variable_invalidates_the_cache_and_others_do_not(tmp_path,
                                                                            monkeypatch):
    write_tree(tmp_path, chain({"d": build("echo $MODE", env=["MODE"])}))
    monkeypatch.setenv("MODE", "1")
    assert statuses(run(tmp_path, "build")) == {"d:build": "ran"}
    monkeypatch.setenv("OTHER", "x")
    assert statuses(run(tmp_path, "build")) == {"d:build": "cached"}
    monkeypatch.setenv("MODE", "2")
    report = run(tmp_path, "build")
    assert statuses(report) == {"d:build": "ran"} and report.results[0].output == "2\n"
    monkeypatch.delenv("MODE")
    assert statuses(run(tmp_path, "build")) == {"d:build": "ran"}  # unset differs from any


def test_inputs_outside_the_globs_do_not_count(tmp_path):
    write_tree(tmp_path, chain({"d": build(inputs=["src/**"])}))
    write_tree(tmp_path, {"stacks/d/src/a.py": "1"})
    run(tmp_path, "build")
    (tmp_path / "stacks/d/README").write_text("docs")
    assert statuses(run(tmp_path, "build")) == {"d:build": "cached"}
    (tmp_path / "stacks/d/src/a.py").write_text("2")
    assert statuses(run(tmp_path, "build")) == {"d:build": "ran"}


def test_an_output_file_is_restored_from_the_cache(tmp_path):
    write_tree(tmp_path, chain({"d": build("mkdir -p dist && echo made > dist/out.txt",
                                           outputs=["dist/**"])}))
    run(tmp_path, "build")
    produced = tmp_path / "stacks/d/dist/out.txt"
    produced.unlink()
    assert statuses(run(tmp_path, "build")) == {"d:build": "cached"}
    assert produced.read_text() == "made\n"


def _entry(root):
    (entry,) = (root / ".ws/cache/run").glob("*.json")
    return entry


@pytest.mark.parametrize("damage", ["bad json", "missing blob", "altered blob", "altered entry"])
def test_a_corrupt_cache_entry_is_reported_and_never_trusted(tmp_path, damage):
    write_tree(tmp_path, chain({"d": build("mkdir -p dist && echo made > dist/out.txt",
                                           outputs=["dist/*"])}))
    run(tmp_path, "build")
    entry = _entry(tmp_path)
    (blob,) = (tmp_path / ".ws/cache/run/blobs").iterdir()
    if damage == "bad json":
        entry.write_text("{not json")
    elif damage == "missing blob":
        blob.unlink()
    elif damage == "altered blob":
        blob.write_text("evil\n")
    else:
        body = json.loads(entry.read_text())
        body["output"] = "forged"
        entry.write_text(json.dumps(body))
    report = run(tmp_path, "build")
    (result,) = report.results
    assert result.status == "ran" and result.output == "" and "ignored" in result.note
    assert (tmp_path / "stacks/d/dist/out.txt").read_text() == "made\n"
    assert statuses(run(tmp_path, "build")) == {"d:build": "cached"}  # written again, whole


def test_failures_are_not_cached(tmp_path):
    write_tree(tmp_path, chain({"d": build("echo no; exit 1")}))
    run(tmp_path, "build")
    assert statuses(run(tmp_path, "build")) == {"d:build": "failed"}
    assert not list((tmp_path / ".ws/cache/run").glob("*.json"))


def test_since_runs_only_the_changed_stacks_and_their_dependents(tmp_path):
    write_tree(tmp_path, chain({n: {"test": {"command": "true"}} for n in "abcd"}))
    env = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@e", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@e", "HOME": str(tmp_path), "PATH": "/usr/bin:/bin"}
    for args in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-qm", "one"]):
        subprocess.run(["git", "-C", str(tmp_path), *args], check=True, env=env,
                       capture_output=True)
    (tmp_path / "stacks/b/more.txt").write_text("x")
    assert statuses(run(tmp_path, "test", since="main")) == {"b:test": "ran", "c:test": "ran"}


def test_a_same_stack_dependency_runs_first(tmp_path):
    write_tree(tmp_path, chain({"d": {"lint": {"command": "echo lint >> order"},
                                      "test": {"command": "echo test >> order",
                                               "dependsOn": ["lint"]}}}))
    assert statuses(run(tmp_path, "test")) == {"d:lint": "ran", "d:test": "ran"}
    assert (tmp_path / "stacks/d/order").read_text().split() == ["lint", "test"]


@pytest.fixture
def bucket(monkeypatch):
    """A bucket of moto's in-memory S3 and the store of ws run's shared cache in it."""
    import boto3
    from moto import mock_aws
    from ws.tasks.remote import BucketStore
    for var in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        monkeypatch.setenv(var, "testing")
    with mock_aws():
        s3 = boto3.client("s3", region_name="us-east-1")
        s3.create_bucket(Bucket="ws-123456789012-us-east-1-demo")
        yield BucketStore(s3, "ws-123456789012-us-east-1-demo", "123456789012")


def test_the_cache_is_shared_through_the_bucket_with_another_checkout(tmp_path, bucket):
    files = chain({"d": build("mkdir -p dist && echo made > dist/out.txt", outputs=["dist/*"])})
    mine, theirs = write_tree(tmp_path / "mine", files), write_tree(tmp_path / "theirs", files)
    ran = api.run_targets(mine, ("build",), store=bucket)
    assert statuses(ran) == {"d:build": "ran"} and not ran.notes
    got = api.run_targets(theirs, ("build",), store=bucket)
    assert statuses(got) == {"d:build": "cached"} and got.results[0].output == ""
    assert (theirs / "stacks/d/dist/out.txt").read_text() == "made\n"


def test_a_forged_entry_in_the_bucket_is_not_trusted(tmp_path, bucket):
    files = chain({"d": build("echo real")})
    mine, theirs = write_tree(tmp_path / "mine", files), write_tree(tmp_path / "theirs", files)
    key = api.run_targets(mine, ("build",), store=bucket).results[0].hash
    body = json.loads(bucket.read(f"{key}.json"))
    body["output"] = "forged\n"
    bucket.write(f"{key}.json", json.dumps(body).encode())
    got = api.run_targets(theirs, ("build",), store=bucket)
    assert statuses(got) == {"d:build": "ran"} and got.results[0].output == "real\n"
    assert "check digest" in got.results[0].note


def test_an_unreachable_bucket_is_a_note_not_a_failure(tmp_path, bucket):
    from ws.tasks.remote import BucketStore
    write_tree(tmp_path, chain({"d": build()}))
    gone = BucketStore(bucket.s3, "no-such-bucket-here", "123456789012")
    report = api.run_targets(tmp_path, ("build",), store=gone)
    assert report.ok and statuses(report) == {"d:build": "ran"}
    assert report.notes[0].startswith("could not read ") and report.notes[1] == "(and 1 more)"


def test_the_longest_task_last_time_starts_first(tmp_path):
    write_tree(tmp_path, chain({n: {"t": {"command": f"echo {n} >> ../../order"}} for n in "abcd"}))
    options = RunOptions(parallel=1, use_cache=False)
    api.run_targets(tmp_path, ("t",), options=options)
    history = tmp_path / ".ws/durations/run.tasks.json"
    assert set(json.loads(history.read_text())) == {"a:t", "b:t", "c:t", "d:t"}
    history.write_text(json.dumps({"a:t": 0.1, "b:t": 0.2, "c:t": 0.3, "d:t": 5}))
    (tmp_path / "order").unlink()
    api.run_targets(tmp_path, ("t",), options=options)
    assert (tmp_path / "order").read_text().split() == ["d", "c", "b", "a"]


def test_a_cache_that_cannot_be_written_is_a_note_not_a_failure(tmp_path):
    write_tree(tmp_path, chain({"d": build()}))
    write_tree(tmp_path, {".ws/cache/run": "a file where the folder goes"})
    report = run(tmp_path, "build")
    assert report.ok and statuses(report) == {"d:build": "ran"}
    assert report.results[0].note.startswith("not cached: ")


def test_an_output_is_never_restored_through_a_link_out_of_the_workspace(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    root = write_tree(tmp_path / "ws", chain({"d": build(
        "mkdir -p dist && echo made > dist/out.txt", outputs=["dist/*"])}))
    run(root, "build")
    dist = root / "stacks/d/dist"
    (dist / "out.txt").unlink()
    dist.rmdir()
    dist.symlink_to(outside)
    report = run(root, "build")
    assert "outside the workspace" in report.results[0].note
    assert report.results[0].status == "ran"  # (the command itself writes where it likes)
