"""Deploys through change sets (the AWS path) on the fake cloud: empty change sets are
"unchanged", stateful replacements and removals stop the stack unless allowed."""
from __future__ import annotations

import json

import pytest
from ws.cloud.backend import Backend
from ws.cloud.changesets import Change, blocked
from ws.config.environment import load_environment
from ws.config.workspace import load_workspace
from ws.engine.flow import deploy_env as deploy
from ws.engine.request import RunRequest
from ws.testing.fakecloud import FakeCloud
from ws.testing.workspaces import queue_template, workspace_files, write_tree


def table(key: str = "id") -> str:
    return json.dumps({"Resources": {"Table": {"Type": "AWS::DynamoDB::Table", "Properties": {
        "KeySchema": [{"AttributeName": key, "KeyType": "HASH"}]}}},
        "Outputs": {"Name": {"Value": "t"}}})


def aws(cloud: FakeCloud) -> Backend:
    """The fake cloud dressed as AWS: ws takes its change-set path."""
    return cloud.backend(change_sets=True)


def run(root, cloud, **options):
    ws = load_workspace(root)
    return deploy(ws, load_environment(ws, "local"), aws(cloud), RunRequest(**options))


@pytest.fixture
def root(tmp_path):
    return write_tree(tmp_path, workspace_files(
        db=(table(), {}), app=(queue_template(parameters=["T"]), {"parameters": {"T": "${db.Name}"}})))


def statuses(report):
    return {s.stack: s.status for s in report.stacks}


def test_created_directly_then_unchanged_through_change_sets(root):
    """New stacks: one CreateStack each (nothing to review); existing ones: change sets."""
    cloud = FakeCloud()
    assert statuses(run(root, cloud)) == {"db": "deployed", "app": "deployed"}
    assert cloud.calls["CreateStack"] == 2 and cloud.calls["CreateChangeSet"] == 0
    again = run(root, cloud)
    assert cloud.calls["CreateChangeSet"] == 2
    assert statuses(again) == {"db": "unchanged", "app": "unchanged"}
    assert cloud.calls["ExecuteChangeSet"] == 0  # nothing executed
    assert cloud.calls["DeleteChangeSet"] == 2 and cloud.change_sets == {}  # nothing left over


def test_replacing_a_table_stops_that_stack_until_allowed(root):
    cloud = FakeCloud()
    run(root, cloud)
    (root / "stacks/db/template.yaml").write_text(table(key="pk"))
    cloud.replacements["Table"] = "True"  # a new key schema replaces the table
    report = run(root, cloud)
    assert statuses(report) == {"db": "failed", "app": "blocked"}
    reason = {s.stack: s.reason for s in report.stacks}["db"]
    assert "would lose data: replace Table (AWS::DynamoDB::Table)" in reason
    assert "--allow-replace db.Table" in reason and "nothing was changed" in reason
    assert cloud.stacks["demo-local-db"]["_template"]["Resources"]["Table"]["Properties"][
        "KeySchema"][0]["AttributeName"] == "id"  # untouched
    assert cloud.change_sets == {}
    allowed = run(root, cloud, allow_replace=frozenset({"db.Table"}))
    assert statuses(allowed)["db"] == "deployed"


def test_a_failed_create_is_cleaned_up_and_created_again_through_a_change_set(tmp_path):
    cloud = FakeCloud()
    cloud.fail.add("demo-local-db")  # the create fails: ROLLBACK_COMPLETE, as on AWS
    root = write_tree(tmp_path, workspace_files(db=(table(), {})))
    assert statuses(run(root, cloud)) == {"db": "failed"}
    cloud.fail.clear()
    assert statuses(run(root, cloud)) == {"db": "deployed"}  # recreated, then created


@pytest.mark.parametrize("change, stops", [
    (Change("Modify", "T", "AWS::DynamoDB::Table", "True"), True),
    (Change("Modify", "T", "AWS::DynamoDB::Table", "Conditional"), True),
    (Change("Modify", "T", "AWS::DynamoDB::Table", "False"), False),
    (Change("Remove", "Q", "AWS::SQS::Queue"), True),
    (Change("Remove", "P", "AWS::Cognito::UserPool"), True),
    (Change("Modify", "B", "AWS::S3::Bucket", "True"), True),
    (Change("Remove", "F", "AWS::Lambda::Function"), False),
    (Change("Modify", "F", "AWS::Lambda::Function", "True"), False),
    (Change("Add", "T", "AWS::DynamoDB::Table"), False),
])
def test_which_changes_are_stopped(change, stops):
    assert bool(blocked("s", (change,), frozenset())) is stops
    assert not blocked("s", (change,), frozenset({f"s.{change.logical_id}"}))
