"""What a template or a failed create leaves on the local endpoint never breaks a later
command (issues 24, 26): after each bad input, plan, outputs, the endpoint's links, a deploy
of the fixed template and destroy all work."""
from __future__ import annotations

import json

import pytest
from ws import api
from ws.cloud.backend import local_backend
from ws.engine.request import RunRequest
from ws.errors import ConfigError
from ws.graph.selection import Selection
from ws.local.links import endpoint_links
from ws.testing.workspaces import queue_template, workspace_files, write_tree

TEXT = "Boutique \u200f\u05d7\u05e0\u05d5\u05ea 商店 🛒👩‍💻"
UNICODE = f"""Description: "{TEXT}"
Parameters:
  Motto:
    Type: String
Resources:
  Queue:
    Type: AWS::SQS::Queue
Outputs:
  QueueUrl:
    Value: !Ref Queue
  Motto:
    Description: "{TEXT}"
    Value: !Sub "${{Motto}} ✓"
"""
# Valid on AWS; moto's SSM::Parameter raises without a Name: a resource failing inside moto.
FAILS_IN_MOTO = queue_template({"QueueUrl": {"Ref": "Queue"}}, resources={
    "Queue": {"Type": "AWS::SQS::Queue"},
    "Param": {"Type": "AWS::SSM::Parameter", "Properties": {"Type": "String", "Value": "v"}}})
FIXED = queue_template({"QueueUrl": {"Ref": "Queue"}, "Motto": "fixed"})


@pytest.fixture
def root(tmp_path, endpoint):
    return write_tree(tmp_path, workspace_files(
        db=(FIXED, {}), app=(queue_template({"Up": {"Ref": "Url"}}, parameters=["Url"]),
                             {"parameters": {"Url": "${db.QueueUrl}"}})))


def everything_works(root, endpoint, db_outputs):
    """plan, outputs, the endpoint's links, a deploy of the fixed template, destroy."""
    plan = {i.stack: i.action for i in api.plan(root, "local", Selection()).items}
    assert set(plan) == {"db", "app"}
    assert api.outputs(root, "local")["db"] == db_outputs
    endpoint_links(local_backend("us-east-1", endpoint))
    write_tree(root, {"stacks/db/template.yaml": FIXED, "stacks/db/stack.yaml": {}})
    fixed = api.deploy(root, "local", RunRequest())
    assert fixed.ok, [(s.stack, s.status, s.reason) for s in fixed.stacks]
    assert api.outputs(root, "local")["db"]["Motto"] == "fixed"
    gone = api.destroy(root, "local", RunRequest())
    assert gone.ok and api.outputs(root, "local") == {"db": None, "app": None}


def test_emoji_right_to_left_and_chinese_text_deploy_and_read_back(root, endpoint, aws):
    write_tree(root, {"stacks/db/template.yaml": UNICODE,
                      "stacks/db/stack.yaml": {"parameters": {"Motto": TEXT}}})
    report = api.deploy(root, "local", RunRequest())
    assert report.ok, [(s.stack, s.status, s.reason) for s in report.stacks]
    outputs = api.outputs(root, "local")["db"]
    assert outputs["Motto"] == f"{TEXT} ✓"
    stack = aws("cloudformation").describe_stacks(StackName="demo-local-db")["Stacks"][0]
    assert stack["Description"] == TEXT
    assert {i.stack: i.action for i in api.plan(root, "local", Selection()).items} == \
        {"db": "skip", "app": "skip"}
    everything_works(root, endpoint, outputs)


def test_a_parameter_value_with_nul_is_refused_before_anything_deploys(root, endpoint, aws):
    write_tree(root, {"stacks/db/template.yaml": UNICODE,
                      "stacks/db/stack.yaml": {"parameters": {"Motto": "a\x00b"}}})
    with pytest.raises(ConfigError, match=r"stacks/db/stack.yaml:1: parameter 'Motto' "
                                          r"contains U\+0000 \(NUL\)"):
        api.deploy(root, "local", RunRequest())
    assert aws("cloudformation").describe_stacks()["Stacks"] == []
    write_tree(root, {"stacks/db/template.yaml": FIXED, "stacks/db/stack.yaml": {}})
    everything_works(root, endpoint, None)


def test_nul_sent_to_the_endpoint_past_ws_is_refused_there_and_stores_nothing(root, endpoint,
                                                                              aws):
    cfn = aws("cloudformation")
    with pytest.raises(Exception, match="contains U\\+0000"):
        cfn.create_stack(StackName="demo-local-db", TemplateBody=json.dumps(
            {"Parameters": {"P": {"Type": "String"}}, "Resources": {"Q": {"Type": "AWS::SQS::Queue"}}}),
            Parameters=[{"ParameterKey": "P", "ParameterValue": "a\x00b"}])
    everything_works(root, endpoint, None)


def test_a_resource_failing_inside_moto_rolls_back_and_the_next_deploy_recreates(root, endpoint,
                                                                                  aws):
    write_tree(root, {"stacks/db/template.yaml": FAILS_IN_MOTO})
    report = api.deploy(root, "local", RunRequest())
    status = {s.stack: (s.status, s.reason) for s in report.stacks}
    assert status["db"][0] == "failed" and status["app"] == ("blocked", "blocked by db")
    assert status["db"][1].startswith("ROLLBACK_COMPLETE: Param CREATE_FAILED: ")
    assert len(status["db"][1].splitlines()) == 1
    assert aws("sqs").list_queues().get("QueueUrls", []) == []  # the queue it made is gone
    plan = {i.stack: (i.action, i.reason) for i in api.plan(root, "local", Selection()).items}
    assert plan["db"] == ("deploy", "last deploy did not succeed (ROLLBACK_COMPLETE)")
    everything_works(root, endpoint, {})
