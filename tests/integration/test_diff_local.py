"""`ws diff` on the local endpoint: new stacks, no changes, a modified resource; nothing is left
behind (no change set, no stack in review)."""
from __future__ import annotations

import json

from click.testing import CliRunner
from ws import api
from ws.cli import commands as cli
from ws.engine.request import RunRequest
from ws.testing.workspaces import queue_template, workspace_files, write_tree

DB = queue_template({"QueueUrl": {"Ref": "Queue"}})
APP = queue_template({"Upstream": {"Ref": "DbQueue"}}, parameters=["DbQueue"])


def test_diff_shows_changes_and_leaves_nothing_behind(tmp_path, endpoint, aws):
    root = write_tree(tmp_path, workspace_files(
        name="diffed", db=(DB, {}), app=(APP, {"parameters": {"DbQueue": "${db.QueueUrl}"}})))
    first = {d.stack: d for d in api.diff(root, "local")}
    assert first["db"].state == "new"
    assert [str(c) for c in first["db"].changes] == ["add Queue (AWS::SQS::Queue)"]
    assert first["app"].state == "after upstream" and "db" in first["app"].note
    assert aws("cloudformation").describe_stacks()["Stacks"] == []  # the review stack is gone
    buckets = [b["Name"] for b in aws("s3").list_buckets()["Buckets"]]
    assert not [b for b in buckets if b.endswith("-diffed")]  # nothing to upload: no bucket

    assert api.deploy(root, "local", RunRequest()).ok
    assert {d.stack: d.state for d in api.diff(root, "local")} == {
        "db": "no changes", "app": "no changes"}

    changed = queue_template({"QueueUrl": {"Ref": "Queue"}}, resources={"Queue": {
        "Type": "AWS::SQS::Queue", "Properties": {"DelaySeconds": 5}}})
    (root / "stacks/db/template.yaml").write_text(changed)
    result = CliRunner().invoke(cli.cli, ["-w", str(root), "diff", "--env", "local", "--json"])
    assert result.exit_code == 0, result.output
    by_stack = {d["stack"]: d for d in json.loads(result.output)}
    assert by_stack["db"]["state"] == "changes"
    assert [(c["action"], c["logical_id"]) for c in by_stack["db"]["changes"]] == [
        ("Modify", "Queue")]
    live = aws("cloudformation").describe_stacks()["Stacks"]
    assert sorted(s["StackStatus"] for s in live) == ["CREATE_COMPLETE", "CREATE_COMPLETE"]
    delay = aws("sqs").get_queue_attributes(QueueUrl=api.outputs(root, "local")["db"]["QueueUrl"],
                                            AttributeNames=["DelaySeconds"])
    assert delay["Attributes"]["DelaySeconds"] == "0"  # diff changed nothing


def test_drift_on_the_local_endpoint_says_it_cannot(tmp_path, endpoint):
    root = write_tree(tmp_path, workspace_files(db=(DB, {})))
    assert api.deploy(root, "local", RunRequest()).ok
    result = CliRunner().invoke(cli.cli, ["-w", str(root), "drift", "--env", "local"])
    assert result.exit_code == 1 and "no drift detection" in result.output
    assert "Traceback" not in result.output


def test_diff_takes_the_locks_a_deploy_would(tmp_path, endpoint, aws):
    """A deploy holding a stack's lock (say, creating it) keeps diff from making a review
    stack of the same name meanwhile."""
    from ws.cloud.leases import hold
    from ws.cloud.locks import LockError, LockTable

    from ws.engine.request import Observer

    root = write_tree(tmp_path, workspace_files(db=(DB, {})))
    told: list[str] = []
    with hold(LockTable(aws("dynamodb")), ["demo/local/db"], timeout=0, ttl=60):
        try:
            api.diff(root, "local", lock_timeout=0, observer=Observer(on_lock_wait=told.append))
        except LockError as exc:
            assert "demo/local/db is locked" in str(exc)
        else:
            raise AssertionError("diff ran while a deploy held the stack's lock")
    assert told and "demo/local/db, held by" in told[0]  # the wait says whose lock it is
    assert aws("cloudformation").describe_stacks()["Stacks"] == []
    assert [d.state for d in api.diff(root, "local", lock_timeout=0)] == ["new"]
