"""Local files a SAM project's template names, deployed on the local endpoint: an OpenAPI
pulled in by AWS::Include, a state machine's DefinitionUri, a nested stack with its own code."""
from __future__ import annotations

import json

import pytest
from ws import api
from ws.engine.request import RunRequest
from ws.graph.selection import Selection
from ws.testing.workspaces import workspace_files, write_tree

TEMPLATE = """Transform: AWS::Serverless-2016-10-31
Resources:
  Api:
    Type: AWS::Serverless::Api
    Properties:
      Name: orders-api
      StageName: v1
      DefinitionBody:
        Fn::Transform:
          Name: AWS::Include
          Parameters:
            Location: api/openapi.yaml
  Orders:
    Type: AWS::Serverless::StateMachine
    Properties:
      Name: orders-flow
      DefinitionUri: statemachine/orders.asl.json
      Role: arn:aws:iam::123456789012:role/orders-flow
  Queues:
    Type: AWS::CloudFormation::Stack
    Properties:
      TemplateURL: nested/queues.yaml
Outputs:
  QueueUrl:
    Value: !GetAtt Queues.Outputs.QueueUrl
"""
NESTED = """Transform: AWS::Serverless-2016-10-31
Resources:
  Queue:
    Type: AWS::SQS::Queue
  Worker:
    Type: AWS::Serverless::Function
    Properties:
      Handler: app.handler
      Runtime: python3.11
      CodeUri: ../src/worker
      Events:
        Jobs:
          Type: SQS
          Properties:
            Queue: !GetAtt Queue.Arn
Outputs:
  QueueUrl:
    Value: !Ref Queue
"""


def openapi(*paths: str) -> dict:
    mock = {"x-amazon-apigateway-integration": {
        "type": "mock", "requestTemplates": {"application/json": '{"statusCode": 200}'},
        "responses": {"default": {"statusCode": "200"}}},
        "responses": {"200": {"description": "ok"}}}
    return {"openapi": "3.0.1", "info": {"title": "orders", "version": "1"},
            "paths": {path: {"get": mock} for path in paths}}


@pytest.fixture
def root(tmp_path, endpoint):
    files = workspace_files(orders=(TEMPLATE, {}))
    files.update({
        "stacks/orders/api/openapi.yaml": openapi("/orders"),
        "stacks/orders/statemachine/orders.asl.json": json.dumps(
            {"StartAt": "Done", "States": {"Done": {"Type": "Succeed"}}}),
        "stacks/orders/nested/queues.yaml": NESTED,
        "stacks/orders/src/worker/app.py": "def handler(event, context):\n    return 1\n"})
    return write_tree(tmp_path, files)


def deployed(root) -> dict[str, str]:
    report = api.deploy(root, "local", RunRequest(changed=True))
    assert report.ok, [(s.stack, s.reason) for s in report.stacks]
    return {s.stack: s.status for s in report.stacks}


def paths(aws) -> set[str]:
    gateway = aws("apigateway")
    rest = next(a for a in gateway.get_rest_apis()["items"] if a["name"] == "orders-api")
    return {r["path"] for r in gateway.get_resources(restApiId=rest["id"])["items"]
            if "GET" in r.get("resourceMethods", {})}


def test_include_definition_and_nested_stack_deploy_locally(root, aws):
    assert deployed(root) == {"orders": "deployed"}
    assert paths(aws) == {"/orders"}
    machine = aws("stepfunctions").list_state_machines()["stateMachines"][0]
    definition = aws("stepfunctions").describe_state_machine(
        stateMachineArn=machine["stateMachineArn"])["definition"]
    assert json.loads(definition)["StartAt"] == "Done"
    url = api.outputs(root, "local")["orders"]["QueueUrl"]
    assert aws("sqs").get_queue_attributes(QueueUrl=url)  # made by the nested stack
    assert [f["Handler"] for f in aws("lambda").list_functions()["Functions"]] == ["app.handler"]

    write_tree(root, {"stacks/orders/api/openapi.yaml": openapi("/orders", "/health")})
    plan = {i.stack: i.reason for i in api.plan(root, "local", Selection()).items}
    assert plan == {"orders": "local files changed (definitions, includes, nested templates)"}
    assert deployed(root) == {"orders": "deployed"} and paths(aws) == {"/orders", "/health"}

    write_tree(root, {"stacks/orders/src/worker/app.py": "def handler(e, c):\n    return 2\n"})
    assert deployed(root) == {"orders": "deployed"}  # the nested stack updated in place:
    assert api.outputs(root, "local")["orders"]["QueueUrl"] == url  # its queue kept
    assert deployed(root) == {"orders": "unchanged"}
    assert api.destroy(root, "local", RunRequest()).ok
    assert aws("cloudformation").describe_stacks()["Stacks"] == []  # the nested one too

