"""A Lambda-backed custom resource: the function runs during CreateStack, its cfn-response
PUT reaches the endpoint, and the stack is complete (or failed) when CreateStack answers."""
from __future__ import annotations

import json
import textwrap

import pytest

from lambda_helpers import ROLE_POLICY

SEEDER = textwrap.dedent("""
    import json, urllib.request

    def handler(event, context):
        props = event["ResourceProperties"]
        ok = props.get("Fail") != "yes"
        answer = {"Status": "SUCCESS" if ok else "FAILED", "Reason": "asked to fail",
                  "PhysicalResourceId": "seed-1", "StackId": event["StackId"],
                  "RequestId": event["RequestId"],
                  "LogicalResourceId": event["LogicalResourceId"],
                  "Data": {"Seeded": props["Count"]}}
        request = urllib.request.Request(event["ResponseURL"], method="PUT",
                                         data=json.dumps(answer).encode())
        urllib.request.urlopen(request, timeout=5).close()
""")


def template(fail: str = "no", resource_type: str = "Custom::Seed") -> dict:
    return {"Resources": {
        "Role": {"Type": "AWS::IAM::Role",
                 "Properties": {"AssumeRolePolicyDocument": json.loads(ROLE_POLICY)}},
        "Seeder": {"Type": "AWS::Lambda::Function", "Properties": {
            "Runtime": "python3.11", "Handler": "index.handler", "Timeout": 10,
            "Role": {"Fn::GetAtt": ["Role", "Arn"]}, "Code": {"ZipFile": SEEDER}}},
        "Seed": {"Type": resource_type, "Properties": {
            "ServiceToken": {"Fn::GetAtt": ["Seeder", "Arn"]}, "Count": "3", "Fail": fail}}},
        "Outputs": {"Seeded": {"Value": {"Fn::GetAtt": ["Seed", "Seeded"]}}}}


@pytest.mark.parametrize("resource_type", ["Custom::Seed", "AWS::CloudFormation::CustomResource"])
def test_custom_resource_completes_the_stack_with_its_data(stack, resource_type):
    assert stack.create(template(resource_type=resource_type)) == {"Seeded": "3"}


def test_a_failed_response_fails_create_stack_with_the_reason(stack):
    with pytest.raises(AssertionError):  # the stack rolls back (ws.local.rollback)
        stack.create(template(fail="yes"))
    reasons = [e.get("ResourceStatusReason", "") for e in stack.cfn.describe_stack_events(
        StackName=stack.name)["StackEvents"] if e["ResourceStatus"] == "CREATE_FAILED"]
    assert any("custom resource Seed failed: asked to fail" in r for r in reasons)
    assert stack.cfn.describe_stacks(StackName=stack.name)["Stacks"][0]["StackStatus"] == \
        "ROLLBACK_COMPLETE"
