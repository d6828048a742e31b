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
from ws.testing.workspaces import queue_template, workspace_files, write_tree

# a -> b -> c, and x on its own; b passes a's output on.
FILES = workspace_files(
    a=(queue_template({"Out": "from-a"}), {}),
    b=(queue_template({"Echo": {"Ref": "In"}}, parameters=["In"]), {"parameters": {"In": "${a.Out}"}}),
    c=(queue_template(parameters=["In"]), {"parameters": {"In": "got ${b.Echo}!"}}),
    x=(queue_template({"X": "x"}), {}))


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


def test_destroy_deletes_dependents_first(world):
    cloud = FakeCloud()
    deploy(*world, cloud.backend(), RunRequest())
    order = []
    report = destroy(*world, cloud.backend(), RunRequest(concurrency=1), Observer(
        on_event=lambda s, m: order.append(s) if m.startswith("deleting") else None))
    assert report.ok and cloud.stacks == {}
    assert order.index("c") < order.index("b") < order.index("a")


def test_second_interrupt_cancels_running_updates_on_aws(world, monkeypatch):
    import os
    import signal

    cloud = FakeCloud()
    ws, env = world
    deploy(ws, env, cloud.backend(), RunRequest())  # everything exists: the next run updates a
    durations_file(ws.state_dir, env.name).unlink()  # no timing noise: a has the longest path
    (ws.root / "stacks/a/template.yaml").write_text(queue_template({"Out": "from-a, changed"}))
    world = (load_workspace(ws.root), env)
    cancelled = []

    class Cfn(type(cloud.client("cloudformation"))):
        def cancel_update_stack(self, StackName):
            cancelled.append(StackName)

    def slow_interrupting(seconds):  # Ctrl-C twice while stack a updates
        import time
        for _ in range(2):
            os.kill(os.getpid(), signal.SIGINT)
            time.sleep(0.25)

    cloud.sleep = slow_interrupting
    cloud.latency = {"demo-local-a": 1.0}
    backend = cloud.backend()
    aws = dataclasses.replace(  # a target that can cancel updates, as AWS can
        backend, can=dataclasses.replace(backend.can, cancels_updates=True),
        make_client=lambda service: Cfn(cloud) if service == "cloudformation"
        else cloud.client(service))
    with pytest.raises(KeyboardInterrupt):
        deploy(*world, aws, RunRequest(concurrency=1))
    assert cancelled == ["demo-local-a"]
