"""`deploy --changed` and `plan` on the fake cloud: exactly what changed deploys, with reasons."""
from __future__ import annotations

import pytest
from ws.config.environment import load_environment
from ws.config.workspace import load_workspace
from ws.engine.flow import deploy_env as deploy
from ws.engine.flow import plan_env
from ws.engine.request import RunRequest
from ws.testing.fakecloud import FakeCloud
from ws.testing.workspaces import queue_template, workspace_files, write_tree

FILES = workspace_files(
    a=(queue_template({"Out": "v1"}), {}),
    b=(queue_template({"Echo": {"Ref": "In"}}, parameters=["In"]), {"parameters": {"In": "${a.Out}"}}),
    c=(queue_template(parameters=["In"]), {"parameters": {"In": "${b.Echo}"}}),
    x=(queue_template({"X": "x"}), {}))


@pytest.fixture
def root(tmp_path):
    return write_tree(tmp_path, FILES)


def run(root, cloud, **opts):
    ws = load_workspace(root)
    report = deploy(ws, load_environment(ws, "local"), cloud.backend(), RunRequest(**opts))
    return {s.stack: s.status for s in report.stacks}


def planned(root, cloud):
    ws = load_workspace(root)
    return {i.stack: (i.action, i.reason) for i in plan_env(
        ws, load_environment(ws, "local"), cloud.backend()).items}


def test_nothing_changed_means_no_create_or_update(root):
    cloud = FakeCloud()
    run(root, cloud)
    cloud.calls.clear()
    assert run(root, cloud, changed=True) == dict.fromkeys("abcx", "unchanged")
    assert cloud.calls["CreateStack"] == cloud.calls["UpdateStack"] == 0
    assert cloud.calls["DescribeStacks"] == 1  # one batched read for the whole environment
    assert set(planned(root, cloud).values()) == {("skip", "unchanged")}


def test_changed_output_redeploys_exactly_its_consumers(root):
    cloud = FakeCloud()
    run(root, cloud)
    write_tree(root, {"stacks/a/template.yaml": queue_template({"Out": "v2"})})
    assert planned(root, cloud) == {
        "a": ("deploy", "template changed"), "x": ("skip", "unchanged"),
        "b": ("decide after upstream", "depends on a (decided after it deploys)"),
        "c": ("decide after upstream", "depends on b (decided after it deploys)")}
    assert run(root, cloud, changed=True) == {"a": "deployed", "b": "deployed",
                                              "c": "deployed", "x": "unchanged"}


def test_upstream_redeployed_without_output_change_leaves_consumers(root):
    cloud = FakeCloud()
    run(root, cloud)
    write_tree(root, {"stacks/a/template.yaml": queue_template(
        {"Out": "v1"}, resources={"Queue": {"Type": "AWS::SQS::Queue"},
                                  "Other": {"Type": "AWS::SQS::Queue"}})})
    assert run(root, cloud, changed=True) == {"a": "deployed", "b": "unchanged",
                                              "c": "unchanged", "x": "unchanged"}


def test_parameter_change_is_named(root):
    cloud = FakeCloud()
    run(root, cloud)
    write_tree(root, {"stacks/b/stack.yaml": {"parameters": {"In": "${a.Out}-extra"}}})
    assert planned(root, cloud)["b"] == ("deploy", "parameter In changed")


def test_a_failed_stack_is_never_unchanged(root):
    cloud = FakeCloud(fail={"demo-local-x"})
    run(root, cloud)
    assert planned(root, cloud)["x"] == ("deploy", "last deploy did not succeed (ROLLBACK_COMPLETE)")
    cloud.fail.clear()
    assert run(root, cloud, changed=True)["x"] == "deployed"


def test_orphans_are_listed(root):
    cloud = FakeCloud()
    run(root, cloud)
    (root / "stacks/x/stack.yaml").unlink()
    (root / "stacks/x/template.yaml").unlink()
    (root / "stacks/x").rmdir()
    assert planned(root, cloud)["x"][0] == "orphaned"
