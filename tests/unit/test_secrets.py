"""Secrets (issue 13): plan and --changed learn a secret's version without its value
(DescribeParameters / DescribeSecret); a deploy reads the value at that very version; a binary
secret is refused. Stubber with AWS-shaped responses, and the fake cloud for a whole run."""
from __future__ import annotations

import datetime
import json

import boto3
import pytest
from botocore.stub import Stubber

from ws.cloud.secrets import Secrets
from ws.config.environment import load_environment
from ws.config.workspace import load_workspace
from ws.engine.flow import plan_env
from ws.engine.flow import deploy_env as deploy
from ws.engine.request import RunRequest
from ws.errors import DeployError
from ws.testing.fakecloud import FakeCloud
from ws.testing.workspaces import workspace_files, write_tree

NOW = datetime.datetime(2026, 11, 23, tzinfo=datetime.timezone.utc)
PARAMS = {"Key": "${ssm:/store/key}", "Token": "${secretsmanager:store/token}", "Plain": "x"}


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
                       "Token": "secretsmanager:store/token@new-version-id-000000000000000000",
                       "Plain": "x"}
    ssm_stub.assert_no_pending_responses()
    ssm_stub.add_response("get_parameter", {"Parameter": {"Name": "/store/key", "Value": "k3",
                                                          "Version": 3}},
                          {"Name": "/store/key:3", "WithDecryption": True})
    sm_stub.add_response("get_secret_value", {"Name": "store/token", "SecretString": "tk9",
                                              "VersionId": "new-version-id-000000000000000000"},
                         {"SecretId": "store/token",
                          "VersionId": "new-version-id-000000000000000000"})
    assert secrets.resolved(PARAMS) == {"Key": "k3", "Token": "tk9", "Plain": "x"}
    assert secrets.mask("key k3 token tk9!") == "key **** token ****!"


def test_a_binary_secret_is_refused_clearly():
    sm, stub = stubbed("secretsmanager")
    stub.add_response("describe_secret", {"VersionIdsToStages": {
        "binary-version-id-00000000000000000": ["AWSCURRENT"]}})
    stub.add_response("get_secret_value", {"Name": "store/cert", "SecretBinary": b"\x00\x01",
                                           "VersionId": "binary-version-id-00000000000000000"})
    with pytest.raises(DeployError, match="'store/cert' is binary") as info:
        Secrets(lambda service: sm).resolved({"Cert": "${secretsmanager:store/cert}"})
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
