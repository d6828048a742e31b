"""Deploy and destroy small workspaces on the local endpoint: order, outputs, failure, recovery."""
from __future__ import annotations

import pytest
from ws import api
from ws.engine.request import Observer, RunRequest
from ws.testing.workspaces import (
    broken_template,
    queue_template,
    workspace_files,
    write_tree,
)

DB = queue_template({"QueueUrl": {"Ref": "Queue"},
                     "QueueArn": {"Value": {"Fn::GetAtt": ["Queue", "Arn"]}}})
APP = queue_template({"Upstream": {"Ref": "DbQueue"}}, parameters=["DbQueue"])
LONE = queue_template({"Name": {"Fn::GetAtt": ["Queue", "QueueName"]}})
BROKEN = broken_template(outputs=("QueueUrl",))


@pytest.fixture
def workspace(tmp_path, endpoint):
    return write_tree(tmp_path, workspace_files(
        db=(DB, {}), app=(APP, {"parameters": {"DbQueue": "${db.QueueUrl}"}}), lone=(LONE, {})))


def events():
    seen = []
    return seen, Observer(on_event=lambda stack, message: seen.append((stack, message)))


def test_deploy_passes_outputs_and_destroy_removes_everything(workspace, aws):
    seen, observer = events()
    report = api.deploy(workspace, "local", RunRequest(), observer)
    assert report.ok and report.exit_code == 0
    by_name = {s.stack: s for s in report.stacks}
    assert {s: r.status for s, r in by_name.items()} == {
        "db": "deployed", "app": "deployed", "lone": "deployed"}
    db_url = by_name["db"].outputs["QueueUrl"]
    assert by_name["app"].outputs["Upstream"] == db_url
    assert aws("sqs").get_queue_attributes(QueueUrl=db_url, AttributeNames=["All"])["Attributes"]["QueueArn"] == \
        by_name["db"].outputs["QueueArn"]
    app_start = next(i for i, (s, _) in enumerate(seen) if s == "app")
    db_done = max(i for i, (s, _) in enumerate(seen) if s == "db")
    assert db_done < app_start  # app waited for db
    tags = aws("cloudformation").describe_stacks(StackName="demo-local-app")["Stacks"][0]["Tags"]
    assert {"Key": "ws:stack", "Value": "app"} in tags

    again = api.deploy(workspace, "local", RunRequest())
    assert again.ok and {s.stack: s.outputs for s in again.stacks} == \
        {s.stack: s.outputs for s in report.stacks}
    assert api.outputs(workspace, "local")["app"]["Upstream"] == db_url

    gone = api.destroy(workspace, "local", RunRequest())
    assert gone.ok and {s.status for s in gone.stacks} == {"deleted"}
    assert aws("sqs").list_queues().get("QueueUrls", []) == []
    assert api.outputs(workspace, "local") == {"db": None, "app": None, "lone": None}


def test_failed_stack_blocks_dependents_and_a_fixed_rerun_recovers(workspace, aws):
    write_tree(workspace, {"stacks/db/template.yaml": BROKEN})
    report = api.deploy(workspace, "local", RunRequest())
    status = {s.stack: (s.status, s.reason) for s in report.stacks}
    assert report.exit_code == 1
    assert status["db"][0] == "failed" and "bucket does not exist" in status["db"][1]
    # the resource and moto's error, as AWS names them
    assert status["db"][1].startswith("ROLLBACK_COMPLETE: Fn CREATE_FAILED: ")
    assert status["app"] == ("blocked", "blocked by db")
    assert status["lone"][0] == "deployed"
    cfn = aws("cloudformation")
    assert cfn.describe_stacks(StackName="demo-local-db")["Stacks"][0]["StackStatus"] \
        == "ROLLBACK_COMPLETE"  # rolled back, as CloudFormation does
    assert aws("iam").list_roles()["Roles"] == []  # what it made is gone

    write_tree(workspace, {"stacks/db/template.yaml": DB})
    seen, observer = events()
    fixed = api.deploy(workspace, "local", RunRequest(), observer)
    assert fixed.ok, [(s.stack, s.status, s.reason) for s in fixed.stacks]
    assert any(s == "db" and m.startswith("recreating") for s, m in seen)
    assert cfn.describe_stacks(StackName="demo-local-db")["Stacks"][0]["StackStatus"] \
        == "CREATE_COMPLETE"


def test_stacks_option_uses_outputs_of_deployed_upstreams(workspace):
    from ws.errors import UsageError
    with pytest.raises(UsageError, match=r"not deployed or not up to date: db \(not deployed\)"):
        api.deploy(workspace, "local", RunRequest.of(("app",)))
    assert api.deploy(workspace, "local", RunRequest.of(("db",))).ok
    report = api.deploy(workspace, "local", RunRequest.of(("app",)))
    assert [s.stack for s in report.stacks] == ["app"] and report.ok
    # a group deploy builds on what is deployed: an out-of-date upstream stops it first
    changed = queue_template({"QueueUrl": {"Ref": "Queue"}}, resources={"Queue": {
        "Type": "AWS::SQS::Queue", "Properties": {"DelaySeconds": 5}}})
    (workspace / "stacks/db/template.yaml").write_text(changed)
    with pytest.raises(UsageError, match=r"db \(template changed\)"):
        api.deploy(workspace, "local", RunRequest.of(("app",)))


def test_with_the_endpoint_up_the_template_check_runs_while_ws_connects_and_reads(workspace,
                                                                                 monkeypatch):
    """The endpoint already runs (a developer's edit loop): cfn-lint's check goes on while ws
    attaches, locks, reads and packages; the stacks wait for it (no endpoint to start, so
    nothing to spare a refused deploy). The check is made a second slower (its forked process
    inherits the patch), so that the overlap does not depend on this machine's speed."""
    import time

    from ws.lint import precheck

    load = precheck.load_runner

    def slow(*args, **kwargs):
        time.sleep(1.0)
        return load(*args, **kwargs)
    monkeypatch.setattr(precheck, "load_runner", slow)
    report = api.deploy(workspace, "local", RunRequest())
    assert report.ok
    phases = {p.name: p for p in report.phases}
    assert phases["endpoint start"].started < phases["template check"].ended
    assert phases["live-state read"].started < phases["template check"].ended


def test_prune_deletes_only_what_is_still_an_orphan_under_the_lock(workspace, aws):
    """The orphans listed and confirmed are read again under their locks: one that came back
    to the workspace in between (a checkout) is left."""
    import shutil

    assert api.deploy(workspace, "local", RunRequest()).ok
    kept = workspace.parent / "lone-saved"
    shutil.move(workspace / "stacks" / "lone", kept)
    listed = api.orphans(workspace, "local")
    assert [i.stack for i in listed] == ["lone"]
    shutil.move(kept, workspace / "stacks" / "lone")  # back before the prune runs
    assert api.prune(workspace, "local", listed, lambda stack, message: None) == {}
    names = {s["StackName"] for s in aws("cloudformation").describe_stacks()["Stacks"]}
    assert "demo-local-lone" in names


def test_prune_deletes_nothing_more_once_a_lock_is_lost():
    from ws.engine.plan import PlanItem
    from ws.engine.prune import prune

    deleted = []

    class Ops:
        def delete(self, name, on_event):
            deleted.append(name)
            from ws.cloud.stackops import StackResult
            return StackResult("deleted", "DELETE_COMPLETE")
    items = [PlanItem("a", "demo-local-a", "orphaned", ""),
             PlanItem("b", "demo-local-b", "orphaned", "")]
    lost = iter(["", "lost the lock demo/local/b"])
    prune(items, Ops(), lambda stack, message: None, lambda: next(lost))
    assert deleted == ["demo-local-a"]
