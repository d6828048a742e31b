"""Capabilities: only what a template needs, as CloudFormation would insist."""
from __future__ import annotations

import pytest
from ws.config.environment import load_environment
from ws.config.workspace import load_workspace
from ws.engine.flow import deploy_env as deploy
from ws.engine.request import RunRequest
from ws.package.capabilities import AUTO_EXPAND, IAM, NAMED_IAM, required
from ws.testing.fakecloud import FakeCloud
from ws.testing.workspaces import queue_template, workspace_files, write_tree

ROLE = {"Type": "AWS::IAM::Role", "Properties": {"AssumeRolePolicyDocument": {}}}


@pytest.mark.parametrize("body, caps", [
    ({"Resources": {"Q": {"Type": "AWS::SQS::Queue"}}}, ()),
    ({"Resources": {"R": ROLE}}, (IAM,)),
    ({"Resources": {"R": {**ROLE, "Properties": {"RoleName": "x"}}}}, (NAMED_IAM,)),
    ({"Transform": "AWS::Serverless-2016-10-31",
      "Resources": {"F": {"Type": "AWS::Serverless::Function", "Properties": {}}}},
     (AUTO_EXPAND, IAM)),
    ({"Transform": "AWS::Serverless-2016-10-31",
      "Resources": {"F": {"Type": "AWS::Serverless::Function", "Properties": {"Role": "arn"}}}},
     (AUTO_EXPAND,)),
    ({"Resources": {"N": {"Type": "AWS::CloudFormation::Stack"}}}, (AUTO_EXPAND,)),
])
def test_required_capabilities(body, caps):
    assert required(body) == caps


def test_deploy_passes_exactly_what_each_template_needs(tmp_path):
    files = workspace_files(plain=(queue_template(), {}),
                            iam=(queue_template(resources={"R": ROLE}), {}))
    ws = load_workspace(write_tree(tmp_path, files))
    cloud = FakeCloud()  # refuses a template whose capabilities are not given, like AWS
    report = deploy(ws, load_environment(ws, "local"), cloud.backend(), RunRequest())
    assert report.ok, [s.reason for s in report.stacks]
    sent = {s["StackName"]: s for s in cloud.stacks.values()}
    assert sent["demo-local-plain"]["Capabilities"] == []
    assert sent["demo-local-iam"]["Capabilities"] == [IAM]
