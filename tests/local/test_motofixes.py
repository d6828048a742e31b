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


def test_a_failing_resource_is_named_with_its_reason_in_a_create_failed_event(aws):
    from ws.testing.workspaces import broken_template
    cfn = aws("cloudformation")
    cfn.create_stack(StackName="broken", TemplateBody=broken_template(),
                     Capabilities=["CAPABILITY_IAM"])
    assert describe(cfn, "broken")["StackStatus"] == "ROLLBACK_COMPLETE"
    failed = [e for e in events_of(cfn, "broken") if e[1] == "CREATE_FAILED"]
    assert [e[0] for e in failed] == ["Fn"] and "bucket does not exist" in failed[0][2]
    assert "<html" not in failed[0][2].lower() and len(failed[0][2]) <= 500
    assert ("Role", "DELETE_COMPLETE", "") in events_of(cfn, "broken")
    assert aws("iam").list_roles()["Roles"] == []


def test_a_resource_that_made_moto_answer_html_is_named_too(aws):
    cfn = aws("cloudformation")
    template = json.dumps({"Resources": {"Param": {"Type": "AWS::SSM::Parameter",
                                                   "Properties": {"Type": "String",
                                                                  "Value": "v"}}}})
    cfn.create_stack(StackName="html", TemplateBody=template)
    assert describe(cfn, "html")["StackStatus"] == "ROLLBACK_COMPLETE"
    assert [e[:2] for e in events_of(cfn, "html") if e[1] == "CREATE_FAILED"] == \
        [("Param", "CREATE_FAILED")]


# Text CloudFormation stores and returns: any Unicode, as ws sends it (JSON with \u escapes,
# emoji as surrogate pairs); control characters other than tab and line breaks are refused.
TEXT = "Shop \u200f\u05d7\u05e0\u05d5\u05ea 商店 🛒👩‍💻\ttab\nline"


def stacks_of(cfn):
    return {s["StackName"]: s for s in cfn.describe_stacks()["Stacks"]}


def test_any_unicode_description_is_stored_and_read_back(aws):
    cfn = aws("cloudformation")
    template = {"Description": TEXT, "Parameters": {"P": {"Type": "String"}},
                "Resources": {"Queue": {"Type": "AWS::SQS::Queue"}},
                "Outputs": {"Echo": {"Value": {"Ref": "P"}}}}
    cfn.create_stack(StackName="uni", TemplateBody=json.dumps(template),
                     Parameters=[{"ParameterKey": "P", "ParameterValue": TEXT}])
    stack = describe(cfn, "uni")
    assert stack["Description"] == TEXT and stack["StackStatus"] == "CREATE_COMPLETE"
    assert stack["Outputs"][0]["OutputValue"] == TEXT
    assert stacks_of(cfn)["uni"]["Description"] == TEXT
    assert cfn.get_template(StackName="uni")["TemplateBody"]["Description"] == TEXT


@pytest.mark.parametrize("value", ["a\x00b", "bell\x07", "esc\x1b[0m", "\ufffe"])
def test_a_parameter_value_with_a_control_character_is_refused_and_nothing_stored(aws, value):
    cfn = aws("cloudformation")
    template = json.dumps({"Parameters": {"P": {"Type": "String"}},
                           "Resources": {"Queue": {"Type": "AWS::SQS::Queue"}}})
    with pytest.raises(ClientError) as info:
        cfn.create_stack(StackName="ctl", TemplateBody=template,
                         Parameters=[{"ParameterKey": "P", "ParameterValue": value}])
    assert info.value.response["Error"]["Code"] == "ValidationError"
    assert "parameter P" in info.value.response["Error"]["Message"]
    assert cfn.describe_stacks()["Stacks"] == []


@pytest.mark.parametrize("text", ["nul \u0000", "lone \ud83d surrogate"])
def test_a_template_with_a_character_no_stack_can_hold_is_refused(aws, text):
    cfn = aws("cloudformation")
    body = json.dumps({"Description": text, "Resources": {"Queue": {"Type": "AWS::SQS::Queue"}}})
    with pytest.raises(ClientError) as info:
        cfn.create_stack(StackName="ctl", TemplateBody=body)
    assert info.value.response["Error"]["Code"] == "ValidationError"
    assert "Description" in info.value.response["Error"]["Message"]
    assert cfn.describe_stacks()["Stacks"] == []


# A resource that fails: the stack rolls back as on CloudFormation, and stays readable.
MADE_FIRST = {"Made": {"Type": "AWS::SQS::Queue", "Properties": {"QueueName": "made-first"}}}
IMPORTS_NOTHING = {"Type": "AWS::SQS::Queue", "DependsOn": "Made",
                   "Properties": {"QueueName": {"Fn::ImportValue": "nobody-exports-this"}}}


def events_of(cfn, name):
    return [(e["LogicalResourceId"], e["ResourceStatus"], e.get("ResourceStatusReason", ""))
            for e in reversed(cfn.describe_stack_events(StackName=name)["StackEvents"])]


def assert_readable(aws, name):
    """Every read of the stack answers (no HTML 500), again and again."""
    cfn = aws("cloudformation")
    for _ in range(2):
        assert name in stacks_of(cfn)
        describe(cfn, name)
        cfn.list_stacks()
        cfn.list_stack_resources(StackName=name)
        cfn.describe_stack_resources(StackName=name)
        cfn.list_exports()


def test_a_failed_create_rolls_back_and_removes_what_it_made(aws):
    cfn = aws("cloudformation")
    template = {"Resources": {**MADE_FIRST, "Bad": IMPORTS_NOTHING},
                "Outputs": {"Url": {"Value": {"Ref": "Made"}, "Export": {"Name": "made-url"}}}}
    cfn.create_stack(StackName="failing", TemplateBody=json.dumps(template))
    stack = describe(cfn, "failing")
    assert stack["StackStatus"] == "ROLLBACK_COMPLETE" and "Outputs" not in stack
    assert stack["StackStatusReason"] == \
        "Bad CREATE_FAILED: No export named nobody-exports-this found."
    events = events_of(cfn, "failing")
    assert ("Bad", "CREATE_FAILED", "No export named nobody-exports-this found.") in events
    assert [e[1] for e in events if e[0] == "failing"] == [
        "CREATE_IN_PROGRESS", "ROLLBACK_IN_PROGRESS", "ROLLBACK_COMPLETE"]
    assert ("Made", "DELETE_COMPLETE", "") in events
    assert aws("sqs").list_queues().get("QueueUrls", []) == []
    assert_readable(aws, "failing")
    assert cfn.list_exports()["Exports"] == []
    with pytest.raises(ClientError, match="ROLLBACK_COMPLETE"):
        cfn.update_stack(StackName="failing", TemplateBody=json.dumps(template))
    cfn.delete_stack(StackName="failing")
    assert cfn.describe_stacks()["Stacks"] == []
    assert aws("sqs").list_queues().get("QueueUrls", []) == []
    fixed = {"Resources": MADE_FIRST, "Outputs": {"Url": {"Value": {"Ref": "Made"}}}}
    cfn.create_stack(StackName="failing", TemplateBody=json.dumps(fixed))
    assert describe(cfn, "failing")["StackStatus"] == "CREATE_COMPLETE"


def test_a_failure_while_reading_the_exports_rolls_back_too(aws):
    cfn = aws("cloudformation")
    template = {"Resources": MADE_FIRST, "Outputs": {"Bad": {
        "Value": {"Fn::ImportValue": "nobody-exports-this"}, "Export": {"Name": "re-export"}}}}
    cfn.create_stack(StackName="failing", TemplateBody=json.dumps(template))
    assert describe(cfn, "failing")["StackStatus"] == "ROLLBACK_COMPLETE"
    assert_readable(aws, "failing")
    assert aws("sqs").list_queues().get("QueueUrls", []) == []


def test_a_failed_update_rolls_back_to_the_previous_template(aws):
    cfn = aws("cloudformation")
    good = {"Resources": MADE_FIRST, "Outputs": {"Url": {"Value": {"Ref": "Made"}}}}
    cfn.create_stack(StackName="updated", TemplateBody=json.dumps(good))
    url = describe(cfn, "updated")["Outputs"][0]["OutputValue"]
    added = {"Extra": {"Type": "AWS::SQS::Queue", "Properties": {"QueueName": "extra"}}}
    bad = {"Resources": {**MADE_FIRST, **added, "Bad": {**IMPORTS_NOTHING, "DependsOn": "Extra"}},
           "Outputs": {"Url": {"Value": {"Ref": "Bad"}}}}
    cfn.update_stack(StackName="updated", TemplateBody=json.dumps(bad))
    stack = describe(cfn, "updated")
    assert stack["StackStatus"] == "UPDATE_ROLLBACK_COMPLETE"
    assert stack["Outputs"] == [{"OutputKey": "Url", "OutputValue": url}]
    assert ("Bad", "CREATE_FAILED", "No export named nobody-exports-this found.") in \
        events_of(cfn, "updated")
    queues = aws("sqs").list_queues()["QueueUrls"]
    assert [q.rsplit("/", 1)[1] for q in queues] == ["made-first"]  # Extra was removed again
    assert_readable(aws, "updated")
    assert json.loads(json.dumps(cfn.get_template(StackName="updated")["TemplateBody"])) == good
    cfn.update_stack(StackName="updated", TemplateBody=json.dumps(
        {**good, "Resources": {**MADE_FIRST, **added}}))
    assert describe(cfn, "updated")["StackStatus"] == "UPDATE_COMPLETE"
    assert len(aws("sqs").list_queues()["QueueUrls"]) == 2


def test_a_failed_change_of_a_resource_keeps_the_resource(aws):
    cfn = aws("cloudformation")
    good = {"Resources": {"Topic": {"Type": "AWS::SNS::Topic"}},
            "Outputs": {"Arn": {"Value": {"Ref": "Topic"}}}}
    cfn.create_stack(StackName="changed", TemplateBody=json.dumps(good))
    arn = describe(cfn, "changed")["Outputs"][0]["OutputValue"]
    bad = {**good, "Resources": {"Topic": {"Type": "AWS::SNS::Topic", "Properties": {
        "DisplayName": {"Fn::ImportValue": "nobody-exports-this"}}}}}
    cfn.update_stack(StackName="changed", TemplateBody=json.dumps(bad))
    stack = describe(cfn, "changed")
    assert stack["StackStatus"] == "UPDATE_ROLLBACK_COMPLETE"
    assert stack["Outputs"][0]["OutputValue"] == arn
    assert [t["TopicArn"] for t in aws("sns").list_topics()["Topics"]] == [arn]
    assert_readable(aws, "changed")


def test_an_update_that_drops_a_parameter_takes_the_parameters_given(aws):
    cfn = aws("cloudformation")
    with_parameter = json.dumps({"Parameters": {"P": {"Type": "String"}},
                                 "Resources": {"Queue": {"Type": "AWS::SQS::Queue"}}})
    cfn.create_stack(StackName="dropping", TemplateBody=with_parameter,
                     Parameters=[{"ParameterKey": "P", "ParameterValue": "v"}])
    cfn.update_stack(StackName="dropping", TemplateBody=json.dumps(
        {"Resources": {"Queue": {"Type": "AWS::SQS::Queue"}, "Other": {"Type": "AWS::SQS::Queue"}}}))
    stack = describe(cfn, "dropping")
    assert stack["StackStatus"] == "UPDATE_COMPLETE" and not stack.get("Parameters")


def test_a_change_set_whose_execution_fails_rolls_back_too(aws):
    cfn = aws("cloudformation")
    template = json.dumps({"Resources": {**MADE_FIRST, "Bad": IMPORTS_NOTHING}})
    made = cfn.create_change_set(StackName="viacs", ChangeSetName="cs1", ChangeSetType="CREATE",
                                 TemplateBody=template)
    cfn.execute_change_set(ChangeSetName=made["Id"])
    assert describe(cfn, "viacs")["StackStatus"] == "ROLLBACK_COMPLETE"
    assert ("Bad", "CREATE_FAILED", "No export named nobody-exports-this found.") in \
        events_of(cfn, "viacs")
    assert aws("sqs").list_queues().get("QueueUrls", []) == []
    assert_readable(aws, "viacs")


def test_an_update_to_a_template_no_stack_can_hold_is_refused_and_changes_nothing(aws):
    cfn = aws("cloudformation")
    good = {"Resources": MADE_FIRST}
    cfn.create_stack(StackName="kept", TemplateBody=json.dumps(good))
    with pytest.raises(ClientError, match="Description contains U\\+0007"):
        cfn.update_stack(StackName="kept", TemplateBody=json.dumps({**good, "Description": "\a"}))
    assert describe(cfn, "kept")["StackStatus"] == "CREATE_COMPLETE"
    assert [e[1] for e in events_of(cfn, "kept")] == ["CREATE_IN_PROGRESS", "CREATE_COMPLETE"]


def test_a_template_moto_cannot_read_is_a_validation_error_not_an_error_page(aws):
    cfn = aws("cloudformation")
    cfn.create_stack(StackName="kept", TemplateBody=json.dumps({"Resources": MADE_FIRST}))
    deep = json.dumps({"Resources": MADE_FIRST})[:-1] + ', "Metadata": ' + "[" * 3000 \
        + "]" * 3000 + "}"
    for call in (cfn.update_stack, cfn.create_stack):
        with pytest.raises(ClientError) as info:
            call(StackName="kept" if call == cfn.update_stack else "other", TemplateBody=deep)
        assert info.value.response["Error"]["Code"] == "ValidationError"
    assert [s["StackStatus"] for s in cfn.describe_stacks()["Stacks"]] == ["CREATE_COMPLETE"]


def test_a_change_set_of_a_template_no_stack_can_hold_is_refused(aws):
    cfn = aws("cloudformation")
    body = json.dumps({"Description": "nul \u0000", "Resources": MADE_FIRST})
    with pytest.raises(ClientError, match="Description contains U\\+0000"):
        cfn.create_change_set(StackName="viacs", ChangeSetName="cs1", ChangeSetType="CREATE",
                              TemplateBody=body)
    cfn.describe_stacks()  # (moto registers the stack before it reads the template)
    cfn.list_stacks()


def test_an_update_of_a_parameter_alone_updates_the_resources_using_it(aws):
    cfn = aws("cloudformation")
    body = json.dumps({"Parameters": {"P": {"Type": "String"}}, "Resources": {
        "Topic": {"Type": "AWS::SNS::Topic", "Properties": {"DisplayName": {"Ref": "P"}}}},
        "Outputs": {"Arn": {"Value": {"Ref": "Topic"}}}})
    for value, call in (("v1", cfn.create_stack), ("v2", cfn.update_stack)):
        call(StackName="param", TemplateBody=body,
             Parameters=[{"ParameterKey": "P", "ParameterValue": value}])
    arn = describe(cfn, "param")["Outputs"][0]["OutputValue"]
    assert aws("sns").get_topic_attributes(TopicArn=arn)["Attributes"]["DisplayName"] == "v2"


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


def test_a_parameter_read_from_a_missing_ssm_name_is_refused_naming_it(aws):
    # a service reading another service's table name from SSM before that one wrote it
    cfn = aws("cloudformation")
    body = json.dumps({"Parameters": {"TableName": {
                           "Type": "AWS::SSM::Parameter::Value<String>",
                           "Default": "/shop/dev/orders/table/name"}},
                       "Resources": {"Queue": {"Type": "AWS::SQS::Queue"}}})
    with pytest.raises(ClientError) as info:
        cfn.create_stack(StackName="frontend", TemplateBody=body)
    assert info.value.response["Error"]["Code"] == "ValidationError"
    assert info.value.response["Error"]["Message"] == "Unable to fetch parameters " \
        "[/shop/dev/orders/table/name] from parameter store for this account."
    assert cfn.describe_stacks()["Stacks"] == []


def test_a_stream_name_already_taken_fails_naming_the_stream_as_kinesis_says(aws):
    cfn = aws("cloudformation")
    template = json.dumps({"Resources": {"Records": {"Type": "AWS::Kinesis::Stream",
                                                     "Properties": {"Name": "Records",
                                                                    "ShardCount": 1}}}})
    cfn.create_stack(StackName="first", TemplateBody=template)
    cfn.create_stack(StackName="second", TemplateBody=template)
    assert describe(cfn, "second")["StackStatus"] == "ROLLBACK_COMPLETE"
    assert [e for e in events_of(cfn, "second") if e[1] == "CREATE_FAILED"] == [
        ("Records", "CREATE_FAILED", "Stream Records under account 123456789012 already exists.")]
