"""Environments on the local endpoint: developers side by side, shared stacks, prod without
mocks, protection and confirmation, secrets masked."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from click.testing import CliRunner
from ws import adminapi, api
from ws.cli import commands as cli
from ws.cli import run as clirun
from ws.cloud.secrets import MASK
from ws.engine.request import RunRequest
from ws.graph.selection import Selection
from ws.testing.workspaces import queue_template, workspace_files, write_tree

DB = queue_template({"QueueUrl": {"Ref": "Queue"}})
APP = queue_template({"Upstream": {"Ref": "DbQueue"}}, parameters=["DbQueue"])
PAY = queue_template({"Url": {"Fn::GetAtt": ["Queue", "QueueName"]}})
ENVS = {
    "environments/dev.yaml": {"target": "local", "per_developer": True, "mocks": True},
    "environments/mine.yaml": {"target": "local", "per_developer": True, "mocks": True,
                               "shared": {"db": "team"}},
    "environments/team.yaml": {"target": "local", "mocks": True},
    "environments/prod.yaml": {"target": "local", "protected": True, "mocks": False,
                               "parameters": {"app": {"PayUrl": "https://pay.example.com"}}},
}


@pytest.fixture
def workspace(tmp_path, endpoint):
    app = queue_template({"Upstream": {"Ref": "DbQueue"}}, parameters=["DbQueue", "PayUrl"])
    files = workspace_files(db=(DB, {}), pay=(PAY, {"mock": True}), app=(app, {"parameters": {
        "DbQueue": "${db.QueueUrl}", "PayUrl": "${pay.Url}"}}))
    return write_tree(tmp_path, {**files, **ENVS})


def stacks_of(aws) -> dict[str, dict]:
    return {s["StackName"]: s for s in aws("cloudformation").describe_stacks()["Stacks"]}


def ws_process(workspace, *args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "ws", "-w", str(workspace), *args],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            env={**os.environ, "NO_COLOR": "1"})


def test_two_developers_deploy_at_once_and_destroy_only_their_own(workspace, aws):
    runs = [ws_process(workspace, "deploy", "--env", "dev", "--owner", who)
            for who in ("Ann Lee", "bob")]
    outputs = [run.communicate(timeout=300)[0] for run in runs]
    assert [run.returncode for run in runs] == [0, 0], outputs
    live = stacks_of(aws)
    for owner in ("ann-lee", "bob"):
        for stack in ("db", "pay", "app"):
            tags = {t["Key"]: t["Value"] for t in live[f"demo-dev-{owner}-{stack}"]["Tags"]}
            assert tags["ws:owner"] == owner and tags["ws:env"] == "dev"
    ann_app = live["demo-dev-ann-lee-app"]["Outputs"][0]["OutputValue"]
    assert ann_app == live["demo-dev-ann-lee-db"]["Outputs"][0]["OutputValue"] != \
        live["demo-dev-bob-db"]["Outputs"][0]["OutputValue"]  # each app wired to its own db

    listed, problems = adminapi.env_list(workspace)
    assert problems == []
    assert {(e.env, e.owner, e.stacks) for e in listed} == {("dev", "ann-lee", 3), ("dev", "bob", 3)}

    assert api.destroy(workspace, "dev", RunRequest(), owner="ann-lee").ok
    left = stacks_of(aws)
    assert not [n for n in left if "ann-lee" in n]
    assert {f"demo-dev-bob-{s}" for s in ("db", "pay", "app")} <= set(left)
    sqs_queues = aws("sqs").list_queues().get("QueueUrls", [])
    assert len(sqs_queues) == 3  # bob's resources are still there, ann's are gone


def test_shared_stack_is_read_never_modified_and_never_destroyed(workspace, aws):
    with pytest.raises(Exception, match="shared from environment team, but demo-team-db is not"):
        api.deploy(workspace, "mine", RunRequest(), owner="ann")
    assert stacks_of(aws) == {}  # nothing half-deployed
    assert api.deploy(workspace, "team", RunRequest()).ok
    before = stacks_of(aws)["demo-team-db"]
    report = api.deploy(workspace, "mine", RunRequest(), owner="ann")
    assert report.ok
    by_stack = {s.stack: s for s in report.stacks}
    assert by_stack["db"].status == "skipped" and "demo-team-db" in by_stack["db"].reason
    live = stacks_of(aws)
    assert live["demo-mine-ann-app"]["Outputs"][0]["OutputValue"] == \
        before["Outputs"][0]["OutputValue"]
    assert live["demo-team-db"].get("LastUpdatedTime") == before.get("LastUpdatedTime")
    assert "demo-mine-ann-db" not in live
    assert api.destroy(workspace, "mine", RunRequest(), owner="ann").ok
    assert "demo-team-db" in stacks_of(aws) and "demo-mine-ann-app" not in stacks_of(aws)


def test_prod_plan_skips_mocks_and_missing_mock_values_fail_before_anything(workspace, aws):
    items = {i.stack: i for i in api.plan(workspace, "prod", Selection()).items}
    assert items["pay"].action == "skip" and "mock" in items["pay"].reason
    assert items["app"].action == "deploy"
    (workspace / "environments/prod.yaml").write_text(
        "target: local\nprotected: true\nmocks: false\n")
    runner = CliRunner()
    for command in (["validate", "--env", "prod"], ["deploy", "--env", "prod", "--yes"]):
        result = runner.invoke(cli.cli, ["-w", str(workspace), *command])
        assert result.exit_code == 2, result.output
        assert "app: parameter PayUrl (was ${pay.Url} from mock stack pay)" in result.output
        assert "environments/prod.yaml" in result.output
    assert stacks_of(aws) == {}


def test_protected_environment_asks_first_and_protects_its_stacks(workspace, aws, monkeypatch):
    runner = CliRunner()
    base = ["-w", str(workspace)]
    refused = runner.invoke(cli.cli, [*base, "deploy", "--env", "prod"])
    assert refused.exit_code == 2 and "needs confirmation" in refused.output
    assert stacks_of(aws) == {}

    monkeypatch.setattr(clirun, "interactive", lambda: True)
    declined = runner.invoke(cli.cli, [*base, "deploy", "--env", "prod"], input="n\n")
    assert declined.exit_code == 1 and "plan" in declined.output and "Aborted" in declined.output
    assert stacks_of(aws) == {}
    accepted = runner.invoke(cli.cli, [*base, "deploy", "--env", "prod"], input="y\n")
    assert accepted.exit_code == 0, accepted.output
    live = stacks_of(aws)
    assert set(live) == {"demo-prod-db", "demo-prod-app"}
    assert all(s["EnableTerminationProtection"] for s in live.values())

    monkeypatch.setattr(clirun, "interactive", lambda: False)
    # The plan confirmed is the plan that runs, --changed honoured: nothing to do, nothing asked.
    nothing = runner.invoke(cli.cli, [*base, "deploy", "--env", "prod", "--changed"])
    assert nothing.exit_code == 0, nothing.output
    assert "needs confirmation" not in nothing.output and "unchanged" in nothing.output
    blocked = runner.invoke(cli.cli, [*base, "destroy", "--env", "prod", "--yes"])
    assert blocked.exit_code == 2
    assert "termination protection is on" in blocked.output
    assert "--disable-termination-protection" in blocked.output
    assert set(stacks_of(aws)) == {"demo-prod-db", "demo-prod-app"}
    gone = runner.invoke(cli.cli, [*base, "destroy", "--env", "prod", "--yes",
                                   "--disable-termination-protection"])
    assert gone.exit_code == 0, gone.output
    assert stacks_of(aws) == {}


SECRET_APP = {
    "Parameters": {"ApiKey": {"Type": "String", "NoEcho": True}},
    "Resources": {"Copy": {"Type": "AWS::SSM::Parameter", "Properties": {
        "Name": "/copy-of-the-key", "Type": "String", "Value": {"Ref": "ApiKey"}}}},
    "Outputs": {"CopyName": {"Value": {"Ref": "Copy"}}},
}


def test_secrets_are_read_at_deploy_time_and_never_shown(tmp_path, endpoint, aws):
    files = workspace_files(app=(json.dumps(SECRET_APP), {"parameters": {
        "ApiKey": "${ssm:/${ws.prefix}/api-key}"}}))
    workspace = write_tree(tmp_path, files)
    runner = CliRunner()
    missing = runner.invoke(cli.cli, ["-w", str(workspace), "deploy", "--env", "local"])
    assert missing.exit_code == 1 and "/demo-local/api-key" in missing.output
    assert stacks_of(aws) == {}  # read before anything deployed

    secret = "s3cr3t-value-9f8e7d"
    aws("ssm").put_parameter(Name="/demo-local/api-key", Value=secret, Type="SecureString")
    report_file = tmp_path / "report.json"
    deployed = runner.invoke(cli.cli, ["-w", str(workspace), "deploy", "--env", "local",
                                       "--report", str(report_file)])
    assert deployed.exit_code == 0, deployed.output
    def copied() -> str:  # what the stack's resource really received
        return aws("ssm").get_parameter(Name="/copy-of-the-key")["Parameter"]["Value"]
    assert copied() == secret
    params = stacks_of(aws)["demo-local-app"]["Parameters"]
    assert params == [{"ParameterKey": "ApiKey", "ParameterValue": MASK}]

    unchanged = runner.invoke(cli.cli, ["-w", str(workspace), "deploy", "--env", "local",
                                        "--changed"])
    aws("ssm").put_parameter(Name="/demo-local/api-key", Value=secret + "-2", Overwrite=True)
    plan = runner.invoke(cli.cli, ["-w", str(workspace), "plan", "--env", "local",
                                   "--format", "json"])
    assert json.loads(plan.output)[0]["action"] == "deploy"  # a new version redeploys
    rotated = runner.invoke(cli.cli, ["-w", str(workspace), "deploy", "--env", "local",
                                      "--changed"])
    assert "unchanged" in unchanged.output and rotated.exit_code == 0
    assert copied() == secret + "-2"
    everything = deployed.output + unchanged.output + plan.output + rotated.output + \
        report_file.read_text()
    assert secret not in everything
