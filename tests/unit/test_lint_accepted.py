"""cfn-lint errors CloudFormation accepts are warnings with their reason, not refusals: an ECS
port protocol in upper case, a Description beside a resource's Type, a SAM resource's GetAtt
cfn-lint does not know (it no longer expands SAM), one SAM CustomStatements statement. What AWS
refuses stays refused, said plainly (a policy Resource 'Queue.Arn' written as text)."""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from ws.lint import cfnlint, precheck

SAM = "AWS::Serverless-2016-10-31"


def _task(protocol: str) -> dict:
    return {"Resources": {"Task": {"Type": "AWS::ECS::TaskDefinition", "Properties": {
        "ContainerDefinitions": [{"Name": "app", "Image": "nginx", "Memory": 512,
                                  "PortMappings": [{"ContainerPort": 2000,
                                                    "Protocol": protocol}]}]}}}}


def _graphql(attribute: str) -> dict:
    return {"Transform": SAM, "Resources": {"Api": {
        "Type": "AWS::Serverless::GraphQLApi", "Properties": {
            "SchemaInline": "type Query { hello: String }", "Auth": {"Type": "AWS_IAM"}}}},
        "Outputs": {"Url": {"Value": {"Fn::GetAtt": ["Api", attribute]}},
                    "Sub": {"Value": {"Fn::Sub": f"${{Api.{attribute}}}/graphql"}}}}


def _described(key: str) -> dict:
    return {"Resources": {"Topic": {"Type": "AWS::SNS::Topic", key: "the topic"}}}


def _statements(statement: object) -> dict:
    return {"Transform": SAM, "Resources": {"Api": {"Type": "AWS::Serverless::Api", "Properties": {
        "StageName": "prod", "DefinitionBody": {"swagger": "2.0", "info": {"title": "t"},
                                                "paths": {}},
        "Auth": {"ResourcePolicy": {"CustomStatements": statement}}}}}}


def _queue_policy(resource: object) -> dict:
    return {"Resources": {"Queue": {"Type": "AWS::SQS::Queue"}, "Policy": {
        "Type": "AWS::SQS::QueuePolicy", "Properties": {"Queues": [{"Ref": "Queue"}],
            "PolicyDocument": {"Statement": [{"Effect": "Allow", "Action": "sqs:SendMessage",
                                              "Principal": "*", "Resource": resource}]}}}}}


STATEMENT = {"Effect": "Deny", "Action": "execute-api:Invoke", "Principal": "*",
             "Resource": ["execute-api:/*/*/*"]}
ACCEPTED = {"ecs-upper-case": (_task("TCP"), "E3030", "reads all but 'udp' as tcp"),
            "ecs-udp-upper-case": (_task("UDP"), "E3030", "write 'udp' for this port"),
            "resource-description": (_described("Description"), "E3001", "issues/2641"),
            "sam-graphql-url": (_graphql("GraphQLUrl"), "E6101", "which has GraphQLUrl"),
            "sam-one-statement": (_statements(STATEMENT), "E3012", "one statement")}
REFUSED = {"ecs-other-protocol": (_task("http"), "E3030"),
           "resource-other-key": (_described("Descripton"), "E3001"),
           "sam-unknown-attribute": (_graphql("Nope"), "E6101"),
           "sam-statement-text": (_statements(5), "E3012")}


def _write(tmp_path: Path, body: dict) -> Path:
    path = tmp_path / "template.yaml"
    path.write_text(yaml.safe_dump(body, sort_keys=False))
    return path


def _check(tmp_path: Path, body: dict) -> list:
    return precheck.check({"t.yaml": _write(tmp_path, body)}, "us-east-1", tmp_path / "cache")


@pytest.mark.parametrize("name", sorted(ACCEPTED))
def test_what_cloudformation_accepts_is_a_warning_with_its_reason(tmp_path, name):
    body, rule, why = ACCEPTED[name]
    assert _check(tmp_path, body) == []  # deploy goes on
    found = cfnlint.lint_one(_write(tmp_path, body), "t.yaml", "us-east-1")
    mine = [f for f in found if f.rule == rule]
    assert mine and all(f.level == "warning" for f in mine)  # ws validate still prints it
    assert all("CloudFormation accepts it" in f.message and why in f.message for f in mine)
    assert not [f for f in found if f.level == "error"]


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_the_same_rules_elsewhere_are_still_refused(tmp_path, name):
    body, rule = REFUSED[name]
    assert rule in {f.rule for f in _check(tmp_path, body)}
    assert rule in {f.rule for f in cfnlint.lint_one(_write(tmp_path, body), "t.yaml",
                                                     "us-east-1") if f.level == "error"}


def test_a_policy_resource_written_as_text_is_refused_saying_what_to_write(tmp_path):
    found = _check(tmp_path, _queue_policy("Queue.Arn"))
    assert [f.rule for f in found] == ["E3514"]
    assert found[0].line > 1
    assert "'Queue.Arn' is text, not an ARN" in found[0].message
    assert "write !GetAtt Queue.Arn" in found[0].message
    validated = cfnlint.lint_one(_write(tmp_path, _queue_policy("Queue.Arn")), "t.yaml",
                                 "us-east-1")
    assert any("write !GetAtt Queue.Arn" in f.message for f in validated if f.level == "error")


def test_a_finding_in_a_template_read_without_its_duplicate_keys_names_its_resource_line(
        tmp_path):
    """A key written twice: the template is linted as read (no lines of its own), and each
    finding names the line of the resource it is about, not line 1."""
    path = tmp_path / "template.yaml"
    path.write_text("Resources:\n  Queue:\n    Type: AWS::SQS::Queue\n  Topic:\n"
                    "    Type: AWS::SNS::Topic\n    Description: the topic\n"
                    "    Properties:\n      TopicName: a\n      TopicName: b\n")
    found = {f.rule: f for f in cfnlint.lint_one(path, "t.yaml", "us-east-1")}
    assert found["WS003"].level == "warning"
    assert found["E3001"].level == "warning" and found["E3001"].line == 4


def test_the_check_before_deploying_names_that_line_too(tmp_path):
    path = tmp_path / "template.yaml"
    path.write_text("Resources:\n  Queue:\n    Type: AWS::SQS::Queue\n  Topic:\n"
                    "    Type: AWS::SNS::Topic\n    Properties:\n      Nope: 1\n"
                    "      TopicName: a\n      TopicName: b\n")
    found = precheck.check({"t.yaml": path}, "us-east-1", tmp_path / "cache")
    assert [(f.rule, f.line) for f in found] == [("E3002", 4)]
