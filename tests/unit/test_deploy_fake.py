"""deploy/destroy end to end on the in-process fake cloud: no endpoint, exact behaviour."""
from __future__ import annotations

import dataclasses

import pytest
from ws.config.environment import load_environment
from ws.config.workspace import load_workspace
from ws.engine.durations import durations_file
from ws.engine.flow import deploy_env as deploy
from ws.engine.flow import destroy_env as destroy
from ws.engine.request import Observer, RunRequest
from ws.testing.fakecloud import FakeCloud
from ws.engine import run as running
from ws.errors import DeployError
from ws.testing.workspaces import chain_files, queue_template, workspace_files, write_tree

# a -> b -> c, and x on its own; b passes a's output on.
FILES = chain_files("x")


@pytest.fixture
def world(tmp_path):
    write_tree(tmp_path, FILES)
    ws = load_workspace(tmp_path)
    return ws, load_environment(ws, "local")


def statuses(report):
    return {s.stack: s.status for s in report.stacks}


def test_outputs_flow_downstream(world):
    cloud = FakeCloud()
    report = deploy(*world, cloud.backend(), RunRequest())
    assert report.ok and statuses(report) == dict.fromkeys("abcx", "deployed")
    assert {s.stack: s.outputs for s in report.stacks}["b"] == {"Echo": "from-a"}
    assert cloud.calls["CreateStack"] == 4


@pytest.mark.parametrize("how", ["fail", "explode"])
def test_failure_returned_or_raised_blocks_dependents_only(world, how):
    cloud = FakeCloud()
    getattr(cloud, how).add("demo-local-b")
    report = deploy(*world, cloud.backend(), RunRequest())
    assert statuses(report) == {"a": "deployed", "b": "failed", "c": "blocked", "x": "deployed"}
    reason = {s.stack: s.reason for s in report.stacks}
    assert reason["c"] == "blocked by b"
    assert ("injected" in reason["b"])
    assert report.exit_code == 1


def test_rerun_after_failed_create_recreates_the_stack(world):
    cloud = FakeCloud(fail={"demo-local-b"})
    deploy(*world, cloud.backend(), RunRequest())
    assert cloud.stacks["demo-local-b"]["StackStatus"] == "ROLLBACK_COMPLETE"
    cloud.fail.clear()
    seen = []
    report = deploy(*world, cloud.backend(), RunRequest(),
                    Observer(on_event=lambda s, m: seen.append((s, m))))
    assert report.ok and cloud.stacks["demo-local-b"]["StackStatus"] == "CREATE_COMPLETE"
    assert ("b", "recreating: found ROLLBACK_COMPLETE from an earlier failed create") in seen


def test_fail_fast_leaves_the_rest_not_run(world):
    cloud = FakeCloud(explode={"demo-local-a"})
    report = deploy(*world, cloud.backend(), RunRequest(concurrency=1, fail_fast=True))
    # a goes first (longest path); after it fails nothing new starts
    assert statuses(report) == {"a": "failed", "b": "blocked", "c": "blocked", "x": "not run"}
    assert cloud.calls["CreateStack"] == 1


@pytest.mark.parametrize("asynchronous", [False, True])
def test_destroy_deletes_dependents_first(world, asynchronous):
    cloud = FakeCloud(asynchronous=asynchronous, default_latency=0.3 if asynchronous else 0.0)
    deploy(*world, cloud.backend(), RunRequest())
    order = []
    report = destroy(*world, cloud.backend(), RunRequest(concurrency=1), Observer(
        on_event=lambda s, m: order.append(s) if m.startswith("deleting") else None))
    assert report.ok and cloud.stacks == {}
    assert order.index("c") < order.index("b") < order.index("a")
    if asynchronous:  # the watcher's path: events read once per create, once per delete
        assert cloud.calls["DescribeStackEvents"] == 2 * len(order)


@pytest.mark.parametrize("signals", [("SIGINT", "SIGINT"), ("SIGTERM",)])
def test_a_second_interrupt_stops_waiting_cancels_and_reports(world, signals):
    """On CloudFormation's timing (asynchronous fake: a's update runs for a minute), Ctrl-C
    twice, or one SIGTERM, ends the run at once: a's update is cancelled, the report says a
    was interrupted and the rest not run, and the run's exit code is 130."""
    import os
    import signal
    import threading
    import time

    cloud = FakeCloud(asynchronous=True)
    ws, env = world
    deploy(ws, env, cloud.backend(), RunRequest())
    durations_file(ws.state_dir, env.name).unlink()  # no timing noise: a has the longest path
    (ws.root / "stacks/a/template.yaml").write_text(queue_template({"Out": "from-a, changed"}))
    cancelled = []

    class Cfn(type(cloud.client("cloudformation"))):
        def cancel_update_stack(self, StackName):
            cancelled.append(StackName)

    cloud.latency = {"demo-local-a": 60.0}
    backend = cloud.backend()
    target = dataclasses.replace(backend, make_client=lambda service: Cfn(cloud)
                                 if service == "cloudformation" else cloud.client(service))

    def interrupt():
        while "demo-local-a" not in cloud.pending:  # a's update is under way
            time.sleep(0.05)
        for name in signals:
            os.kill(os.getpid(), getattr(signal, name))
            time.sleep(0.2)
    threading.Thread(target=interrupt, daemon=True).start()
    started = time.monotonic()
    report = deploy(load_workspace(ws.root), env, target, RunRequest(concurrency=1))
    assert time.monotonic() - started < 20  # it did not wait out a's minute
    assert cancelled == ["demo-local-a"]
    assert report.interrupted and report.exit_code == 130
    assert statuses(report) == {"a": "interrupted", "b": "not run", "c": "not run",
                                "x": "not run"}


def test_a_destroy_starts_with_what_took_longest(tmp_path):
    """With one stack at a time, the destroy deletes first the stacks that took longest:
    to delete before, else to deploy (x, y and z are independent)."""
    import json
    import re

    from ws.engine.durations import save_measured

    write_tree(tmp_path, chain_files("x", "y", "z"))
    ws = load_workspace(tmp_path)
    env = load_environment(ws, "local")
    cloud = FakeCloud()
    deploy(ws, env, cloud.backend(), RunRequest())
    deleted = []

    class Cfn(type(cloud.client("cloudformation"))):
        def delete_stack(self, StackName, **args):
            deleted.append(re.search(r"demo-local-(\w+)", StackName)[1])  # a name or an id
            return super().delete_stack(StackName, **args)
    backend = dataclasses.replace(cloud.backend(), make_client=lambda service: Cfn(cloud)
                                  if service == "cloudformation" else cloud.client(service))

    def destroyed(deployed: dict[str, float], deleting: dict[str, float]) -> list[str]:
        durations_file(ws.state_dir, env.name).write_text(json.dumps(deployed))
        save_measured(ws.state_dir, env.name, deleting, "delete")
        deleted.clear()
        destroy(ws, env, backend, RunRequest(concurrency=1))
        deploy(ws, env, cloud.backend(), RunRequest())
        return deleted[:3] + deleted[-3:]  # x, y, z; then a before b before c

    chain = {"a": 0.1, "b": 0.1, "c": 0.1}  # 0.3 s in all: after every other stack
    assert destroyed({**chain, "x": 5, "y": 9, "z": 1}, {}) == ["y", "x", "z", "c", "b", "a"]
    assert destroyed({**chain, "x": 5, "y": 9, "z": 1}, {"z": 30}) == \
        ["z", "y", "x", "c", "b", "a"]


def test_the_artifact_bucket_is_touched_only_when_something_is_uploaded(world):
    """A run whose templates fit in the call and that has no code to upload never reads, nor
    makes, the artifact bucket; once a template is too big to pass inline, it is uploaded
    there, the bucket checked once."""
    ws, env = world
    cloud = FakeCloud()
    assert deploy(ws, env, cloud.backend(), RunRequest()).ok
    assert cloud.calls["HeadBucket"] == cloud.calls["CreateBucket"] == 0 and not cloud.objects
    queues = {f"Queue{n:03}": {"Type": "AWS::SQS::Queue", "Properties": {
        "Tags": [{"Key": "note", "Value": "v" * 250}]}} for n in range(200)}  # over 51,200 bytes
    (ws.root / "stacks/x/template.yaml").write_text(queue_template(resources=queues))
    assert deploy(load_workspace(ws.root), env, cloud.backend(), RunRequest()).ok
    assert cloud.calls["HeadBucket"] == 1
    assert len(cloud.objects) == 1 and next(iter(cloud.objects))[1].startswith("templates/")


def site_world(tmp_path):
    files = workspace_files(site=(queue_template({"BucketName": "b1"}),
                                  {"assets": [{"source": "site", "bucket": "${self.BucketName}"}]}))
    files["stacks/site/site/index.html"] = "<p>hi</p>"
    write_tree(tmp_path, files)
    ws = load_workspace(tmp_path)
    return ws, load_environment(ws, "local")


@pytest.mark.parametrize("asynchronous,change_sets", [(False, False), (True, True)])
def test_a_failed_publish_is_recorded_so_the_next_changed_deploy_publishes_again(
        tmp_path, monkeypatch, asynchronous, change_sets):
    world = site_world(tmp_path)
    cloud = FakeCloud(asynchronous=asynchronous, default_latency=0.05 if asynchronous else 0.0)
    published = []

    def publish(ws, env, backend, name, *rest):
        published.append(name)
        if len(published) == 1:
            raise DeployError("s3 is down")
    monkeypatch.setattr(running, "publish_stack", publish)
    first = deploy(*world, cloud.backend(change_sets=change_sets), RunRequest())
    assert statuses(first) == {"site": "failed"} and "s3 is down" in first.stacks[0].reason
    # created, then recorded as unpublished by an update (not a second create, refused)
    assert cloud.calls["CreateStack"] == 1
    assert cloud.calls["UpdateStack"] + cloud.calls["ExecuteChangeSet"] == 1
    again = deploy(*world, cloud.backend(change_sets=change_sets), RunRequest(changed=True))
    assert again.ok and statuses(again) == {"site": "deployed"} and published == ["site"] * 2


def test_a_stack_that_failed_publishes_nothing_and_says_why(tmp_path, monkeypatch):
    world = site_world(tmp_path)
    cloud = FakeCloud(fail={"demo-local-site"})
    published = []
    monkeypatch.setattr(running, "publish_stack", lambda *args: published.append(args))
    report = deploy(*world, cloud.backend(), RunRequest())
    assert statuses(report) == {"site": "failed"} and published == []
    assert "injected resource failure" in report.stacks[0].reason
    assert cloud.calls["CreateStack"] == 1


def test_a_second_interrupt_leaves_an_update_someone_else_started(world):
    """ws waits for a stack busy with another's update; stopping that wait (Ctrl-C twice)
    does not cancel (roll back) the other's update: only updates this run started."""
    import os
    import signal
    import threading
    import time

    cloud = FakeCloud(asynchronous=True)
    ws, env = world
    deploy(ws, env, cloud.backend(), RunRequest())
    cloud.latency = {"demo-local-a": 60.0}
    cloud.client("cloudformation").update_stack(  # someone else's, running for a minute
        StackName="demo-local-a", TemplateBody=queue_template({"Out": "theirs"}))
    (ws.root / "stacks/a/template.yaml").write_text(queue_template({"Out": "from-a, changed"}))
    cancelled = []

    class Cfn(type(cloud.client("cloudformation"))):
        def cancel_update_stack(self, StackName):
            cancelled.append(StackName)
    backend = cloud.backend()
    target = dataclasses.replace(backend, make_client=lambda service: Cfn(cloud)
                                 if service == "cloudformation" else cloud.client(service))
    seen = []

    def interrupt():
        while not any("waiting: stack is UPDATE_IN_PROGRESS" in m for m in list(seen)):
            time.sleep(0.05)
        for _ in range(2):
            os.kill(os.getpid(), signal.SIGINT)
            time.sleep(0.2)
    threading.Thread(target=interrupt, daemon=True).start()
    report = deploy(load_workspace(ws.root), env, target, RunRequest(concurrency=1),
                    Observer(on_event=lambda stack, message: seen.append(message)))
    assert report.interrupted and statuses(report)["a"] == "interrupted"
    assert cancelled == []


def test_build_failure_fails_its_stack_only(tmp_path):
    """A function that cannot be built fails its own stack: its dependents are blocked, the
    independent stacks deploy."""
    files = chain_files("x")
    fn = {"Type": "AWS::Serverless::Function", "Metadata": {"BuildMethod": "makefile"},
          "Properties": {"CodeUri": "src", "Handler": "h.h", "Runtime": "python3.12"}}
    files["stacks/b/template.yaml"] = queue_template(
        {"Echo": {"Ref": "In"}}, parameters=["In"],
        resources={"Queue": {"Type": "AWS::SQS::Queue"}, "Fn": fn})
    files["stacks/b/src/h.py"] = "def h(e, c): return 1\n"
    write_tree(tmp_path, files)
    ws = load_workspace(tmp_path)
    report = deploy(ws, load_environment(ws, "local"), FakeCloud().backend(), RunRequest())
    assert statuses(report) == {"a": "deployed", "b": "failed", "c": "blocked", "x": "deployed"}
    reason = {s.stack: s.reason for s in report.stacks}["b"]
    assert "Fn: BuildMethod makefile needs a Makefile" in reason
