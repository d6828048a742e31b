"""SSM parameters as wiring on the local endpoint: the consumer deploys after the stack that
writes the parameter, and `--changed` redeploys it when the value it reads changes."""
from __future__ import annotations

from ws import api
from ws.engine.request import RunRequest
from ws.graph.selection import Selection
from ws.testing.workspaces import workspace_files, write_tree

PRODUCER = """Parameters:
  Environment: {Type: String, Default: dev}
  Url: {Type: String, Default: https://v1.example.com}
Resources:
  OrdersUrl:
    Type: AWS::SSM::Parameter
    Properties:
      Name: !Sub /${Environment}/orders/api/url
      Type: String
      Value: !Ref Url
"""
CONSUMER = """Parameters:
  OrdersUrl:
    Type: AWS::SSM::Parameter::Value<String>
    Default: /local/orders/api/url
Resources:
  Queue: {Type: AWS::SQS::Queue}
Outputs:
  Seen: {Value: !Ref OrdersUrl}
"""


def deploy_changed(root):
    report = api.deploy(root, "local", RunRequest(changed=True))
    assert report.ok, [(s.stack, s.reason) for s in report.stacks]
    return {s.stack: s.status for s in report.stacks}, report


def test_consumer_follows_the_ssm_parameter_it_reads(tmp_path, aws):
    root = write_tree(tmp_path, workspace_files(
        orders=(PRODUCER, {"parameters": {"Environment": "${ws.env}"}}), web=(CONSUMER, {})))
    statuses, report = deploy_changed(root)  # web first would fail: no parameter yet
    assert statuses == {"orders": "deployed", "web": "deployed"}
    assert [s.outputs for s in report.stacks if s.stack == "web"] == \
        [{"Seen": "https://v1.example.com"}]
    assert deploy_changed(root)[0] == {"orders": "unchanged", "web": "unchanged"}

    write_tree(root, {"stacks/orders/stack.yaml": {"parameters": {
        "Environment": "${ws.env}", "Url": "https://v2.example.com"}}})
    plan = {i.stack: i.reason for i in api.plan(root, "local", Selection()).items}
    assert plan["web"] == "depends on orders (decided after it deploys)"
    statuses, report = deploy_changed(root)
    assert statuses == {"orders": "deployed", "web": "deployed"}
    assert [s.outputs for s in report.stacks if s.stack == "web"] == \
        [{"Seen": "https://v2.example.com"}]
    assert deploy_changed(root)[0] == {"orders": "unchanged", "web": "unchanged"}

    aws("ssm").put_parameter(Name="/local/orders/api/url", Value="https://v3.example.com",
                             Type="String", Overwrite=True)  # written outside ws
    plan = {i.stack: (i.action, i.reason) for i in api.plan(root, "local", Selection()).items}
    assert plan["web"] == ("deploy", "SSM parameter values it reads changed")
