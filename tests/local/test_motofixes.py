"""The local endpoint behaves like CloudFormation where moto does not: NoEcho parameters are
masked, termination protection can be changed and stops a delete."""
from __future__ import annotations

import json

import pytest
from botocore.exceptions import ClientError

TEMPLATE = json.dumps({"Parameters": {"Secret": {"Type": "String", "NoEcho": True},
                                      "Plain": {"Type": "String"}},
                       "Resources": {"Queue": {"Type": "AWS::SQS::Queue"}}})


def create(cfn, name="guarded", protect=False):
    cfn.create_stack(StackName=name, TemplateBody=TEMPLATE, EnableTerminationProtection=protect,
                     Parameters=[{"ParameterKey": "Secret", "ParameterValue": "hunter2"},
                                 {"ParameterKey": "Plain", "ParameterValue": "visible"}])


def describe(cfn, name="guarded"):
    return cfn.describe_stacks(StackName=name)["Stacks"][0]


def test_no_echo_parameters_are_masked(aws):
    cfn = aws("cloudformation")
    create(cfn)
    params = {p["ParameterKey"]: p["ParameterValue"] for p in describe(cfn)["Parameters"]}
    assert params == {"Secret": "****", "Plain": "visible"}


def test_protected_stack_refuses_delete_until_protection_is_off(aws):
    cfn = aws("cloudformation")
    create(cfn, protect=True)
    with pytest.raises(ClientError) as info:
        cfn.delete_stack(StackName="guarded")
    assert info.value.response["Error"]["Code"] == "ValidationError"
    assert info.value.response["Error"]["Message"] == \
        "Stack [guarded] cannot be deleted while TerminationProtection is enabled"
    assert describe(cfn)["StackStatus"] == "CREATE_COMPLETE"
    answer = cfn.update_termination_protection(StackName="guarded",
                                               EnableTerminationProtection=False)
    assert answer["StackId"] == describe(cfn)["StackId"]
    assert describe(cfn)["EnableTerminationProtection"] is False
    cfn.delete_stack(StackName="guarded")
    assert cfn.describe_stacks()["Stacks"] == []


def test_protection_can_be_turned_on_later_and_unknown_stacks_are_errors(aws):
    cfn = aws("cloudformation")
    create(cfn)
    cfn.update_termination_protection(StackName="guarded", EnableTerminationProtection=True)
    with pytest.raises(ClientError, match="TerminationProtection is enabled"):
        cfn.delete_stack(StackName=describe(cfn)["StackId"])
    with pytest.raises(ClientError, match="does not exist"):
        cfn.update_termination_protection(StackName="nope", EnableTerminationProtection=True)


def test_a_failing_resource_is_named_with_its_reason_like_a_create_failed_event(aws):
    from ws.testing.workspaces import broken_template
    cfn = aws("cloudformation")
    with pytest.raises(ClientError) as info:
        cfn.create_stack(StackName="broken", TemplateBody=broken_template(),
                         Capabilities=["CAPABILITY_IAM"])
    error = info.value.response["Error"]
    assert error["Code"] == "ValidationError"
    assert error["Message"].startswith("Fn CREATE_FAILED: ")
    assert "<html" not in error["Message"].lower() and len(error["Message"]) < 600


def test_a_resource_that_made_moto_answer_html_is_named_too(aws):
    cfn = aws("cloudformation")
    template = json.dumps({"Resources": {"Param": {"Type": "AWS::SSM::Parameter",
                                                   "Properties": {"Type": "String",
                                                                  "Value": "v"}}}})
    with pytest.raises(ClientError) as info:
        cfn.create_stack(StackName="html", TemplateBody=template)
    assert info.value.response["Error"]["Message"].startswith("Param CREATE_FAILED: ")


def test_an_update_that_changes_nothing_is_refused_also_without_parameters(aws):
    """As on AWS. moto checked only when parameters were passed, so a stack without any
    (the store's payments-mock) was updated on every plain deploy."""
    cfn = aws("cloudformation")
    body = json.dumps({"Resources": {"Queue": {"Type": "AWS::SQS::Queue"}}})
    cfn.create_stack(StackName="plain", TemplateBody=body)
    with pytest.raises(ClientError) as info:
        cfn.update_stack(StackName="plain", TemplateBody=body)
    assert info.value.response["Error"]["Message"] == "No updates are to be performed."
    changed = json.dumps({"Resources": {"Queue": {"Type": "AWS::SQS::Queue"},
                                        "Other": {"Type": "AWS::SQS::Queue"}}})
    cfn.update_stack(StackName="plain", TemplateBody=changed)
    assert describe(cfn, "plain")["StackStatus"] == "UPDATE_COMPLETE"
