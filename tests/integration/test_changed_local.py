"""`ws deploy --changed` on the local endpoint: only what changed deploys."""
from __future__ import annotations

import pytest
from ws import api
from ws.engine.request import RunRequest
from ws.graph.selection import Selection
from ws.testing.workspaces import (
    SAM_FUNCTION,
    broken_template,
    queue_template,
    workspace_files,
    write_tree,
)


@pytest.fixture
def root(tmp_path, endpoint):
    files = workspace_files(
        base=(queue_template({"Name": {"Fn::GetAtt": ["Queue", "QueueName"]}, "Fixed": "v1"}), {}),
        leaf=(SAM_FUNCTION, {"parameters": {"Upstream": "${base.Fixed}"}}),
        other=(queue_template(parameters=["Up"]), {"parameters": {"Up": "${base.Name}"}}))
    files["stacks/leaf/src/fn/handler.py"] = "def handler(event, context):\n    return 1\n"
    return write_tree(tmp_path, files)


def changed(root):
    report = api.deploy(root, "local", RunRequest(changed=True))
    assert report.ok, [(s.stack, s.reason) for s in report.stacks]
    return {s.stack: s.status for s in report.stacks}


def test_only_changed_stacks_deploy(root, aws):
    assert changed(root) == dict.fromkeys(["base", "leaf", "other"], "deployed")
    assert changed(root) == dict.fromkeys(["base", "leaf", "other"], "unchanged")

    (root / "stacks/leaf/src/fn/handler.py").write_text("def handler(event, context):\n    return 2\n")
    plan = {i.stack: i.reason for i in api.plan(root, "local", Selection()).items}
    assert plan == {"base": "unchanged", "leaf": "code changed", "other": "unchanged"}
    assert changed(root) == {"base": "unchanged", "leaf": "deployed", "other": "unchanged"}

    # base's output Fixed changes: leaf (its only consumer) redeploys, other does not
    write_tree(root, {"stacks/base/template.yaml": queue_template(
        {"Name": {"Fn::GetAtt": ["Queue", "QueueName"]}, "Fixed": "v2"})})
    assert changed(root) == {"base": "deployed", "leaf": "deployed", "other": "unchanged"}
    fn = aws("lambda").list_functions()["Functions"][0]
    assert fn["Environment"]["Variables"]["UPSTREAM"] == "v2"


def test_failed_stack_is_retried_by_changed(root, aws):
    original = (root / "stacks/other/template.yaml").read_text()
    write_tree(root, {"stacks/other/template.yaml": broken_template(parameters=("Up",))})
    report = api.deploy(root, "local", RunRequest(changed=True))
    assert {s.stack: s.status for s in report.stacks}["other"] == "failed"
    write_tree(root, {"stacks/other/template.yaml": original})
    plan = {i.stack: (i.action, i.reason) for i in api.plan(root, "local", Selection()).items}
    assert plan["other"] == ("deploy", "last deploy did not succeed (ROLLBACK_COMPLETE)")
    assert changed(root)["other"] == "deployed"
