"""`ws local invoke` and `ws local trigger` on a deployed SAM stack, as a user runs them."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import pytest

from ws.cloud.backend import LOCAL_ENDPOINT_VAR
from ws.testing.workspaces import workspace_files, write_tree

TEMPLATE = textwrap.dedent("""
    Transform: AWS::Serverless-2016-10-31
    Resources:
      Table:
        Type: AWS::DynamoDB::Table
        Properties:
          BillingMode: PAY_PER_REQUEST
          AttributeDefinitions: [{AttributeName: id, AttributeType: S}]
          KeySchema: [{AttributeName: id, KeyType: HASH}]
      Fn:
        Type: AWS::Serverless::Function
        Properties:
          CodeUri: src/fn/
          Handler: handler.handler
          Runtime: python3.11
          Environment:
            Variables:
              TABLE: !Ref Table
          Events:
            Tick:
              Type: Schedule
              Properties:
                Schedule: rate(1 day)
""")
HANDLER = textwrap.dedent("""
    import os, boto3

    def handler(event, context):
        if event.get("fail"):
            raise ValueError("asked to fail")
        kind = event.get("detail-type", "direct")
        boto3.resource("dynamodb").Table(os.environ["TABLE"]).put_item(Item={"id": kind})
        return {"kind": kind}
""")


def ws(root, *args, url):
    env = {**os.environ, LOCAL_ENDPOINT_VAR: url}
    return subprocess.run([sys.executable, "-m", "ws", "--workspace", str(root), *args],
                          capture_output=True, text=True, env=env, timeout=300)


@pytest.fixture
def deployed(tmp_path, moto_url):
    files = workspace_files(app=(TEMPLATE, {}))
    files["stacks/app/src/fn/handler.py"] = HANDLER
    root = write_tree(tmp_path / "w", files)
    result = ws(root, "deploy", "--env", "local", url=moto_url)
    assert result.returncode == 0, result.stdout + result.stderr
    return root


def rule_id(aws) -> str:
    resources = aws("cloudformation").describe_stack_resources(StackName="demo-local-app")
    return next(r["LogicalResourceId"] for r in resources["StackResources"]
                if r["ResourceType"] == "AWS::Events::Rule")


def test_invoke_prints_the_response_and_fails_on_a_function_error(deployed, moto_url, tmp_path):
    ok = ws(deployed, "local", "invoke", "--env", "local", "app.Fn", "--payload", "{}",
            url=moto_url)
    assert ok.returncode == 0, ok.stderr
    assert json.loads(ok.stdout) == {"kind": "direct"}
    (tmp_path / "event.json").write_text('{"fail": true}')
    bad = ws(deployed, "local", "invoke", "--env", "local", "app.Fn",
             "--payload", f"@{tmp_path / 'event.json'}", "--log", url=moto_url)
    assert bad.returncode == 1
    assert json.loads(bad.stdout)["errorMessage"] == "asked to fail"
    assert "Unhandled" in bad.stderr and "REPORT RequestId" in bad.stderr


def test_trigger_fires_the_schedule_with_a_scheduled_event(deployed, moto_url, aws):
    fired = ws(deployed, "local", "trigger", "--env", "local", f"app.{rule_id(aws)}",
               url=moto_url)
    assert fired.returncode == 0, fired.stderr
    assert json.loads(fired.stdout) == {"kind": "Scheduled Event"}
    table = aws("cloudformation").describe_stack_resource(
        StackName="demo-local-app", LogicalResourceId="Table")["StackResourceDetail"]
    assert "Item" in aws("dynamodb").get_item(TableName=table["PhysicalResourceId"],
                                              Key={"id": {"S": "Scheduled Event"}})


def test_unknown_targets_are_bad_input(deployed, moto_url):
    """One deploy, every kind of wrong target (deploys are what make these tests slow)."""
    cases = [("invoke", "nostack.Fn", "no stack 'nostack'"),
             ("invoke", "app.Missing", "no deployed resource Missing"),
             ("invoke", "app", "is not STACK.LogicalId"),
             ("invoke", "app.Table", "not a AWS::Lambda::Function"),
             ("trigger", "app.Fn", "not a AWS::Events::Rule")]
    for command, target, message in cases:
        result = ws(deployed, "local", command, "--env", "local", target, url=moto_url)
        assert result.returncode == 2 and message in result.stderr, (target, result.stderr)
        assert "Traceback" not in result.stderr
