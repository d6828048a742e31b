"""A custom resource whose function failed only because it called a service the endpoint does
not have (its own 501 answer) is a placeholder: created, its Data attributes shaped, named by
the deploy; `placeholders: error` fails it, and so does any other failure."""
from __future__ import annotations

import json
import textwrap

import pytest
from ws import api
from ws.engine.request import Observer, RunRequest
from ws.testing.workspaces import workspace_files, write_tree

from lambda_helpers import ROLE_POLICY

SYNC = textwrap.dedent("""
    import json, os, urllib.request
    import boto3

    def handler(event, context):
        how = event["ResourceProperties"]["How"]
        if how == "pretend":  # the endpoint's words, but no call to it
            raise RuntimeError("The local endpoint has no kendra API (moto does not emulate it)")
        if how == "other":
            raise ValueError("the index is not ready")
        try:
            boto3.client("kendra").start_data_source_sync_job(Id="ds", IndexId="i" * 36)
            status, reason = "SUCCESS", ""
        except Exception as exc:
            if how == "raise":
                raise
            status, reason = "FAILED", str(exc)  # cfnresponse's way: the reason sent
        answer = {"Status": status, "Reason": reason, "PhysicalResourceId": "sync",
                  "StackId": event["StackId"], "RequestId": event["RequestId"],
                  "LogicalResourceId": event["LogicalResourceId"], "Data": {}}
        request = urllib.request.Request(event["ResponseURL"], method="PUT",
                                         data=json.dumps(answer).encode())
        urllib.request.urlopen(request, timeout=5).close()
""")


def template(how: str = "raise") -> dict:
    return {"Resources": {
        "Role": {"Type": "AWS::IAM::Role",
                 "Properties": {"AssumeRolePolicyDocument": json.loads(ROLE_POLICY)}},
        "SyncFn": {"Type": "AWS::Lambda::Function", "Properties": {
            "Runtime": "python3.11", "Handler": "index.handler", "Timeout": 10,
            "Role": {"Fn::GetAtt": ["Role", "Arn"]}, "Code": {"ZipFile": SYNC}}},
        "DataSourceSync": {"Type": "Custom::DataSourceSync", "Properties": {
            "ServiceToken": {"Fn::GetAtt": ["SyncFn", "Arn"]}, "How": how}}},
        "Outputs": {"SyncArn": {"Value": {"Fn::GetAtt": ["DataSourceSync", "JobArn"]}},
                    "SyncId": {"Value": {"Fn::GetAtt": ["DataSourceSync", "ExecutionId"]}}}}


def _reasons(stack, status: str) -> list[str]:
    return [e.get("ResourceStatusReason", "") for e in stack.cfn.describe_stack_events(
        StackName=stack.name)["StackEvents"] if e["ResourceStatus"] == status
        and e["LogicalResourceId"] == "DataSourceSync"]


@pytest.mark.parametrize("how", ["raise", "send-failed"])
def test_a_call_to_a_missing_service_makes_a_placeholder(stack, how):
    outputs = stack.create(template(how))
    assert outputs["SyncArn"].startswith("arn:aws:kendra:us-east-1:123456789012:")
    assert outputs["SyncId"]
    assert _reasons(stack, "CREATE_COMPLETE") == [
        "placeholder, created but not run locally: its function needs kendra, "
        "which the local endpoint does not have"]


@pytest.mark.parametrize("how", ["other", "pretend"])
def test_any_other_failure_still_fails_the_stack(stack, how):
    with pytest.raises(AssertionError):
        stack.create(template(how))
    assert stack.cfn.describe_stacks(StackName=stack.name)["Stacks"][0]["StackStatus"] == \
        "ROLLBACK_COMPLETE"
    assert any("custom resource DataSourceSync failed" in r
               for r in _reasons(stack, "CREATE_FAILED"))


def _deploy(tmp_path, placeholders=None):
    env = {"target": "local", "mocks": True, **({"placeholders": placeholders}
                                                 if placeholders else {})}
    files = workspace_files(placeholders or "lenient", env, search=(json.dumps(template()), {}))
    root = write_tree(tmp_path, files)
    seen: list[str] = []
    report = api.deploy(root, "local", RunRequest(check_templates=False),
                        Observer(on_event=lambda stack, message: seen.append(message)))
    return report, seen


def test_the_deploy_names_it_and_strictness_refuses_it(tmp_path, endpoint):
    report, seen = _deploy(tmp_path / "lenient")
    assert report.ok, [(s.stack, s.reason) for s in report.stacks]
    assert [m for m in seen if "placeholder" in m] == [
        "placeholders, created but not run locally: DataSourceSync (Custom::DataSourceSync: "
        "its function needs kendra, which the local endpoint does not have)"]
    report, seen = _deploy(tmp_path / "strict", "error")
    assert not report.ok
    assert "`placeholders: error`: no placeholder for a function that needs kendra" in \
        report.stacks[0].reason
