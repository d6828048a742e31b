"""Secrets (issue 13): plan and --changed learn a secret's version without its value
(DescribeParameters / DescribeSecret); a deploy reads the value at that very version; a binary
secret is refused. Issue 24: a secret reaches only a NoEcho parameter whatever path a value
takes, checked on the final values. Stubber with AWS-shaped responses, and the fake cloud."""
from __future__ import annotations

import datetime
import json

import boto3
import pytest
from botocore.stub import Stubber

from ws.cloud.secrets import Secrets
from ws.config.environment import load_environment
from ws.config.workspace import load_workspace
from ws.engine.fingerprint import Fingerprint
from ws.engine.flow import plan_env
from ws.engine.inputs import StackInputs
from ws.engine.flow import deploy_env as deploy
from ws.engine.request import RunRequest
from ws.engine.sending import parameters_to_send
from ws.errors import ConfigError, DeployError
from ws.testing.fakecloud import FakeCloud
from ws.testing.workspaces import queue_template, workspace_files, write_tree

NOW = datetime.datetime(2026, 11, 23, tzinfo=datetime.timezone.utc)
PARAMS = {"Key": ("ssm", "/store/key"), "Token": ("secretsmanager", "store/token")}


def stubbed(service: str):
    client = boto3.client(service, region_name="us-east-1", aws_access_key_id="x",
                          aws_secret_access_key="x")
    stub = Stubber(client)
    stub.activate()
    return client, stub


def test_versions_are_read_without_values_and_values_at_those_versions():
    ssm, ssm_stub = stubbed("ssm")
    sm, sm_stub = stubbed("secretsmanager")
    ssm_stub.add_response("describe_parameters", {"Parameters": [
        {"Name": "/store/key", "Version": 3, "Type": "SecureString"}]}, {"ParameterFilters": [
            {"Key": "Name", "Option": "Equals", "Values": ["/store/key"]}]})
    sm_stub.add_response("describe_secret", {"Name": "store/token", "VersionIdsToStages": {
        "old-version-id-000000000000000000": ["AWSPREVIOUS"],
        "new-version-id-000000000000000000": ["AWSCURRENT"]}}, {"SecretId": "store/token"})
    secrets = Secrets({"ssm": ssm, "secretsmanager": sm}.__getitem__)
    printed = secrets.fingerprinted(PARAMS)  # a get_parameter here would fail the stubber
    assert printed == {"Key": "ssm:/store/key@3",
                       "Token": "secretsmanager:store/token@new-version-id-000000000000000000"}
    ssm_stub.assert_no_pending_responses()
    ssm_stub.add_response("get_parameter", {"Parameter": {"Name": "/store/key", "Value": "k3",
                                                          "Version": 3}},
                          {"Name": "/store/key:3", "WithDecryption": True})
    sm_stub.add_response("get_secret_value", {"Name": "store/token", "SecretString": "tk9",
                                              "VersionId": "new-version-id-000000000000000000"},
                         {"SecretId": "store/token",
                          "VersionId": "new-version-id-000000000000000000"})
    assert secrets.resolved(PARAMS) == {"Key": "k3", "Token": "tk9"}
    assert secrets.mask("key k3 token tk9!") == "key **** token ****!"


def test_a_binary_secret_is_refused_clearly():
    sm, stub = stubbed("secretsmanager")
    stub.add_response("describe_secret", {"VersionIdsToStages": {
        "binary-version-id-00000000000000000": ["AWSCURRENT"]}})
    stub.add_response("get_secret_value", {"Name": "store/cert", "SecretBinary": b"\x00\x01",
                                           "VersionId": "binary-version-id-00000000000000000"})
    with pytest.raises(DeployError, match="'store/cert' is binary") as info:
        Secrets(lambda service: sm).resolved({"Cert": ("secretsmanager", "store/cert")})
    assert "string secret" in info.value.hint


def test_plan_and_a_no_op_changed_deploy_decrypt_nothing(tmp_path):
    template = json.dumps({"Parameters": {"Key": {"Type": "String", "NoEcho": True}},
                           "Resources": {"Queue": {"Type": "AWS::SQS::Queue"}}})
    write_tree(tmp_path, workspace_files(app=(template, {"parameters": {"Key": "${ssm:/k}"}})))
    ws = load_workspace(tmp_path)
    env = load_environment(ws, "local")
    cloud = FakeCloud(parameters={"/k": "secret-value"})
    assert deploy(ws, env, cloud.backend(), RunRequest()).ok
    assert cloud.calls["GetParameter"] == 1  # the first deploy needs the value
    items = plan_env(ws, env, cloud.backend()).items
    assert [(i.stack, i.action) for i in items] == [("app", "skip")]
    again = deploy(ws, env, cloud.backend(), RunRequest(changed=True))
    assert again.ok and [s.status for s in again.stacks] == ["unchanged"]
    assert cloud.calls["GetParameter"] == 1  # neither plan nor --changed decrypted it


SECRET = "s3cr3t-value"


def leak_world(tmp_path, down_params: dict, down_template: str | None = None,
               up_outputs: dict | None = None, env: dict | None = None,
               down_config: dict | None = None):
    """up outputs text that looks like a secret reference; down takes it."""
    up = queue_template(up_outputs or {"Out": "${ssm:/k}"})
    down = down_template or queue_template(parameters=["In"])
    files = workspace_files(env=env, up=(up, {}),
                            down=(down, {"parameters": down_params, **(down_config or {})}))
    write_tree(tmp_path, files)
    ws = load_workspace(tmp_path)
    return ws, load_environment(ws, "local"), FakeCloud(parameters={"/k": SECRET})


def nowhere(cloud: FakeCloud, report, no_echo: str = "") -> None:
    """The secret's value is in no stack (parameters but the NoEcho one, which CloudFormation
    never shows, outputs, tags) and no report."""
    shown = {name: {**stack, "Parameters": [p for p in stack.get("Parameters", [])
                                            if p["ParameterKey"] != no_echo]}
             for name, stack in cloud.stacks.items()}
    assert SECRET not in json.dumps(shown, default=str)
    assert SECRET not in json.dumps(report.to_dict(), default=str)


def test_an_output_that_looks_like_a_secret_reference_is_data(tmp_path):
    ws, env, cloud = leak_world(tmp_path, {"In": "${up.Out}"})
    report = deploy(ws, env, cloud.backend(), RunRequest())
    assert report.ok, report.error
    sent = cloud.stacks["demo-local-down"]["Parameters"]
    assert sent == [{"ParameterKey": "In", "ParameterValue": "${ssm:/k}"}]
    assert cloud.calls["GetParameter"] == 0
    nowhere(cloud, report)


def test_an_output_inside_a_text_or_a_secret_name_is_never_resolved_again(tmp_path):
    template = json.dumps({"Parameters": {"In": {"Type": "String"},
                                          "Key": {"Type": "String", "NoEcho": True}},
                           "Resources": {"Queue": {"Type": "AWS::SQS::Queue"}}})
    ws, env, cloud = leak_world(tmp_path, {"In": "x ${up.Out} y", "Key": "${ssm:${up.Name}}"},
                                template, {"Out": "${ssm:/k}", "Name": "/k"})
    report = deploy(ws, env, cloud.backend(), RunRequest())
    assert report.ok, report.error
    sent = {p["ParameterKey"]: p["ParameterValue"]
            for p in cloud.stacks["demo-local-down"]["Parameters"]}
    assert sent == {"In": "x ${ssm:/k} y", "Key": SECRET}  # the name took the output: a secret
    nowhere(cloud, report, no_echo="Key")


NO_ECHO_KEY = {"Parameters": {"In": {"Type": "String"}, "Key": {"Type": "String", "NoEcho": True}},
               "Resources": {"Queue": {"Type": "AWS::SQS::Queue"}}}


def test_a_template_default_and_a_tag_that_look_like_secrets_are_sent_as_written(tmp_path):
    template = json.dumps({"Parameters": {"In": {"Type": "String", "Default": "${ssm:/k}"}},
                           "Resources": {"Queue": {"Type": "AWS::SQS::Queue"}}})
    ws, env, cloud = leak_world(tmp_path, {}, template,
                                down_config={"tags": {"team": "${ssm:/k}"}},
                                env={"target": "local", "tags": {"cost": "${ssm:/k}"}})
    report = deploy(ws, env, cloud.backend(), RunRequest())
    assert report.ok, report.error
    stack = cloud.stacks["demo-local-down"]
    assert stack["Parameters"] == []  # the default is CloudFormation's to apply, as written
    tags = {t["Key"]: t["Value"] for t in stack["Tags"]}
    assert tags["team"] == tags["cost"] == "${ssm:/k}"
    assert cloud.calls["GetParameter"] == 0
    nowhere(cloud, report)


def test_an_environment_override_gives_a_secret_only_to_a_no_echo_parameter(tmp_path):
    env = {"target": "local", "parameters": {"down": {"In": "${ssm:/k}"}}}
    with pytest.raises(ConfigError, match="'In' takes a secret, but .* NoEcho"):
        leak_world(tmp_path, {"In": "plain"}, env=env)


def test_a_secret_value_that_would_reach_a_plain_parameter_is_refused(tmp_path):
    """The upstream outputs the secret's very value: the final values are checked, not the text
    written, and nothing of it is sent."""
    ws, env, cloud = leak_world(tmp_path, {"In": "${up.Out}", "Key": "${ssm:/k}"},
                                json.dumps(NO_ECHO_KEY), {"Out": f"v={SECRET}"})
    report = deploy(ws, env, cloud.backend(), RunRequest())
    down = next(s for s in report.stacks if s.stack == "down")
    assert down.status == "failed" and "demo-local-down" not in cloud.stacks
    assert "parameter In would carry the value of secret ssm:/k" in down.reason
    assert SECRET not in json.dumps(down.__dict__, default=str)


def test_a_template_that_outputs_a_secret_parameter_is_refused(tmp_path):
    template = {**NO_ECHO_KEY, "Outputs": {
        "Shown": {"Value": {"Fn::Join": ["-", ["k", {"Ref": "Key"}]]}},
        "Named": {"Value": {"Fn::Sub": "k ${Key}"}}}}
    ws, env, cloud = leak_world(tmp_path, {"In": "x", "Key": "${ssm:/k}"}, json.dumps(template))
    report = deploy(ws, env, cloud.backend(), RunRequest())
    down = next(s for s in report.stacks if s.stack == "down")
    assert down.status == "failed" and "demo-local-down" not in cloud.stacks
    assert "outputs Named, Shown would show secret parameter Key" in down.reason
    nowhere(cloud, report)


def test_an_asset_config_value_holding_a_secret_is_not_published(tmp_path):
    template = json.dumps({"Parameters": {"Key": {"Type": "String", "NoEcho": True}},
                           "Resources": {"Bucket": {"Type": "AWS::S3::Bucket"}},
                           "Outputs": {"BucketName": {"Value": "site-bucket"}}})
    assets = [{"source": "site", "bucket": "${self.BucketName}", "config": {"v": "${up.Out}"}}]
    write_tree(tmp_path, {"stacks/down/site/index.html": "hi\n"})
    ws, env, cloud = leak_world(tmp_path, {"Key": "${ssm:/k}"}, template, {"Out": SECRET},
                                down_config={"assets": assets})
    report = deploy(ws, env, cloud.backend(), RunRequest())
    down = next(s for s in report.stacks if s.stack == "down")
    assert down.status == "failed"
    assert "config value v would publish the value of secret ssm:/k" in down.reason
    assert not [key for key in cloud.objects if key[0] == "site-bucket"]


def test_the_final_template_decides_what_is_no_echo():
    """Checked on what is sent: a template changed after loading (packaging, a transform) that
    no longer declares the parameter NoEcho gets no secret, and nothing is read."""
    cloud = FakeCloud(parameters={"/k": SECRET})
    secrets = Secrets(cloud.client)
    inputs = StackInputs({"Key": ("ssm", "/k")}, {"In": "x"}, {}, Fingerprint({}, {}))
    body = {"Parameters": {"Key": {"Type": "String"}, "In": {"Type": "String"}}}
    with pytest.raises(DeployError, match="parameter Key takes secret ssm:/k, but the template "
                                          "sent does not declare it NoEcho"):
        parameters_to_send(inputs, body, secrets)
    assert cloud.calls["GetParameter"] == 0
    body["Parameters"]["Key"]["NoEcho"] = "true"
    assert parameters_to_send(inputs, body, secrets) == {"In": "x", "Key": SECRET}
