"""Types the endpoint cannot run deploy as placeholders, named per stack; `placeholders: error`
refuses them, every stack named at once, by `ws validate` and `ws deploy` alike."""
from __future__ import annotations

import json

import pytest
from ws import api
from ws.engine.request import Observer, RunRequest
from ws.errors import ConfigError
from ws.testing.workspaces import queue_template, workspace_files, write_tree

BROKER = {"Type": "AWS::AmazonMQ::Broker", "Properties": {"BrokerName": "orders-mq"}}
FEED = {"Type": "AWS::Lambda::EventSourceMapping", "Properties": {  # SAM's MQ event, in short
    "FunctionName": "mail-worker", "EventSourceArn": {"Fn::GetAtt": ["Broker", "Arn"]},
    "Queues": ["orders"]}}
MAIL = queue_template({"Broker": {"Ref": "Broker"}},
                      resources={"Queue": {"Type": "AWS::SQS::Queue"}, "Broker": BROKER,
                                 "Feed": FEED})
SAM = json.dumps({
    "Transform": "AWS::Serverless-2016-10-31",
    "Resources": {
        "Files": {"Type": "AWS::FSx::FileSystem", "Properties": {"FileSystemType": "LUSTRE"}},
        "Fn": {"Type": "AWS::Serverless::Function", "Properties": {
            "Runtime": "python3.11", "Handler": "app.handler", "CodeUri": "src/",
            "AutoPublishAlias": "live"}}}})
SKILL = queue_template(resources={"Skill": {"Type": "Alexa::ASK::Skill"}})


def _workspace(tmp_path, placeholders=None, **stacks):
    env = {"target": "local", "mocks": True}
    if placeholders:
        env["placeholders"] = placeholders
    files = workspace_files(env=env, **{k: (v, {}) for k, v in stacks.items()})
    if "files" in stacks:
        files["stacks/files/src/app.py"] = "def handler(event, context):\n    return 1\n"
    return write_tree(tmp_path, files)


def test_placeholders_deploy_and_each_stack_says_which(tmp_path, endpoint, aws):
    seen = []
    report = api.deploy(_workspace(tmp_path, mail=MAIL, lone=queue_template()),
                        "local", RunRequest(check_templates=False),
                        Observer(on_event=lambda stack, message: seen.append((stack, message))))
    assert report.ok, [(s.stack, s.status, s.reason) for s in report.stacks]
    notes = [(s, m) for s, m in seen if "placeholder" in m]
    assert notes == [("mail", "placeholders, created but not run locally: "
                              "Broker (AWS::AmazonMQ::Broker), "
                              "Feed (AWS::Lambda::EventSourceMapping)")]
    outputs = {s.stack: s.outputs for s in report.stacks}
    assert outputs["mail"]["Broker"].startswith("b-")


def test_strict_environment_refuses_every_stack_at_once(tmp_path, endpoint, aws):
    root = _workspace(tmp_path, "error", mail=MAIL, files=SAM, lone=queue_template())
    with pytest.raises(ConfigError) as info:
        api.deploy(root, "local", RunRequest(check_templates=False))
    message = str(info.value)
    assert "stacks/mail/template.yaml: the local endpoint cannot create: Broker " \
           "(AWS::AmazonMQ::Broker), Feed (AWS::Lambda::EventSourceMapping)" in message
    assert "stacks/files/template.yaml: the local endpoint cannot create: Files " \
           "(AWS::FSx::FileSystem)" in message  # SAM's Alias and Version are real
    assert "lone" not in message
    assert aws("cloudformation").describe_stacks()["Stacks"] == []
    errors = [f for f in api.validate(root, "local").errors if f.rule == "WS100"]
    assert sorted(f.display for f in errors) == ["stacks/files/template.yaml",
                                              "stacks/mail/template.yaml"]


def test_a_type_outside_aws_is_refused_without_strictness(tmp_path, endpoint, aws):
    root = _workspace(tmp_path, skill=SKILL, mail=MAIL)
    with pytest.raises(ConfigError, match=r"Skill \(Alexa::ASK::Skill\)"):
        api.deploy(root, "local", RunRequest(check_templates=False))


def test_placeholders_setting_is_checked(tmp_path):
    root = _workspace(tmp_path, "sometimes", lone=queue_template())
    with pytest.raises(ConfigError, match="'placeholders' must be allow or error"):
        api.validate(root, "local")


NO_TRANSFORM = json.dumps({  # a SAM template that forgot its Transform line
    "Globals": {"Function": {"Runtime": "python3.11"}},
    "Resources": {"Fn": {"Type": "AWS::Serverless::Function", "Properties": {
        "Handler": "app.handler", "CodeUri": "src/"}}}})


@pytest.mark.parametrize("placeholders", [None, "error"])
def test_sam_types_without_the_transform_are_refused_for_it_not_as_the_endpoint(
        tmp_path, endpoint, aws, placeholders):
    """CloudFormation refuses them too ("Unrecognized resource types"): the fix is the line."""
    root = _workspace(tmp_path, placeholders, files=NO_TRANSFORM)
    with pytest.raises(ConfigError) as info:
        api.deploy(root, "local", RunRequest(check_templates=False))
    assert "Fn is AWS::Serverless::Function, which needs the SAM transform" in str(info.value)
    assert "cannot create" not in str(info.value)
