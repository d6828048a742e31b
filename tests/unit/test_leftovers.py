"""Nothing destroyed by surprise (issue 13): only a failed create (ROLLBACK_COMPLETE) is
recreated by itself; DELETE_FAILED, ROLLBACK_FAILED and REVIEW_IN_PROGRESS stop that stack with
what was found and what to do, until `--recreate STACK`; termination protection is turned off
only when told; a discarded CREATE change set deletes its review stack by id, only in review.
Stubber with responses shaped like AWS's."""
from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from awsstub import CS_ID, NAME, REQ, STACK_ID, events, expect_change_set, ops, stack
from ws.cloud.changesets import ChangeSet, ChangeSets
from ws.cloud.stackops import StackOps
from ws.errors import DeployError

TOLD = REQ.__class__(**{**REQ.__dict__, "stack": "orders", "recreate": True})
UNTOLD = REQ.__class__(**{**REQ.__dict__, "stack": "orders"})


def resources(*pairs: tuple[str, str]) -> dict:
    return {"StackResourceSummaries": [
        {"LogicalResourceId": logical, "ResourceType": "AWS::S3::Bucket", "ResourceStatus": status,
         "LastUpdatedTimestamp": stack("X")["Stacks"][0]["CreationTime"]}
        for logical, status in pairs]}


def expect_create(cfn) -> None:
    """After the leftover is gone: a CREATE change set, executed."""
    expect_change_set(cfn, "CREATE", changes=[{"Type": "Resource", "ResourceChange": {
        "Action": "Add", "LogicalResourceId": "Queue", "ResourceType": "AWS::SQS::Queue"}}])
    cfn.stubber.add_response("execute_change_set", {}, {"ChangeSetName": CS_ID})
    cfn.stubber.add_response("describe_stack_events", events("CREATE_COMPLETE"))
    cfn.stubber.add_response("describe_stacks", stack("CREATE_COMPLETE"))


def test_delete_failed_stops_the_stack_naming_what_is_left_and_how_to_proceed(cfn):
    cfn.stubber.add_response("describe_stacks", stack("DELETE_FAILED"))
    cfn.stubber.add_response("list_stack_resources", resources(
        ("Uploads", "DELETE_FAILED"), ("Fn", "DELETE_COMPLETE")), {"StackName": STACK_ID})
    with pytest.raises(DeployError) as info:  # and no delete_stack: the stubber would fail
        ChangeSets(ops(cfn)).deploy("orders", UNTOLD, lambda m: None)
    assert "found the stack DELETE_FAILED" in info.value.message
    assert "(Uploads)" in info.value.message and "Nothing was changed" in info.value.message
    assert "--recreate orders" in info.value.hint and "keeping Uploads" in info.value.hint


def test_delete_failed_with_recreate_retains_the_failed_resources_then_creates(cfn):
    cfn.stubber.add_response("describe_stacks", stack("DELETE_FAILED"))
    cfn.stubber.add_response("list_stack_resources", resources(("Uploads", "DELETE_FAILED")))
    cfn.stubber.add_response("delete_stack", {}, {"StackName": STACK_ID,
                                                  "RetainResources": ["Uploads"]})
    cfn.stubber.add_response("describe_stack_events", events("DELETE_COMPLETE"))
    cfn.stubber.add_client_error("describe_stacks", "ValidationError",
                                 f"Stack with id {NAME} does not exist")
    expect_create(cfn)
    seen: list[str] = []
    result = ChangeSets(ops(cfn)).deploy("orders", TOLD, seen.append)
    assert result.ok and result.action == "created"
    assert any("keeping Uploads" in m for m in seen)


def test_review_in_progress_is_someone_elses_change_set_until_told(cfn):
    cfn.stubber.add_response("describe_stacks", stack("REVIEW_IN_PROGRESS"))
    cfn.stubber.add_response("list_change_sets", {"Summaries": [
        {"ChangeSetName": "release-42", "StackName": NAME}]}, {"StackName": STACK_ID})
    with pytest.raises(DeployError) as info:
        ChangeSets(ops(cfn)).deploy("orders", UNTOLD, lambda m: None)
    assert "REVIEW_IN_PROGRESS" in info.value.message and "release-42" in info.value.message


def test_rollback_failed_stops_and_with_recreate_is_deleted(cfn):
    for told in (False, True):
        cfn.stubber.add_response("describe_stacks", stack("ROLLBACK_FAILED"))
        cfn.stubber.add_response("list_stack_resources", resources(("Table", "DELETE_FAILED")))
    cfn.stubber.add_response("delete_stack", {}, {"StackName": STACK_ID})  # RetainResources:
    cfn.stubber.add_response("describe_stack_events", events("DELETE_COMPLETE"))  # not allowed
    cfn.stubber.add_client_error("describe_stacks", "ValidationError", "does not exist")
    expect_create(cfn)
    with pytest.raises(DeployError, match="could not be rolled back"):
        ChangeSets(ops(cfn)).deploy("orders", UNTOLD, lambda m: None)
    assert ChangeSets(ops(cfn)).deploy("orders", TOLD, lambda m: None).ok


def test_termination_protection_is_turned_off_only_when_told(cfn):
    protected = stack("ROLLBACK_COMPLETE", EnableTerminationProtection=True)
    cfn.stubber.add_response("describe_stacks", protected)
    with pytest.raises(DeployError) as info:  # no update_termination_protection call
        ChangeSets(ops(cfn)).deploy("orders", UNTOLD, lambda m: None)
    assert "termination protection is on" in info.value.message
    assert "turns termination protection off" in info.value.hint
    cfn.stubber.add_response("describe_stacks", protected)
    cfn.stubber.add_response("update_termination_protection", {"StackId": STACK_ID}, {
        "StackName": STACK_ID, "EnableTerminationProtection": False})
    cfn.stubber.add_response("delete_stack", {}, {"StackName": STACK_ID})
    cfn.stubber.add_response("describe_stack_events", events("DELETE_COMPLETE"))
    cfn.stubber.add_client_error("describe_stacks", "ValidationError", "does not exist")
    expect_create(cfn)
    assert ChangeSets(ops(cfn)).deploy("orders", TOLD, lambda m: None).ok


def test_discard_deletes_the_review_stack_by_id_and_only_while_in_review(cfn):
    review = ChangeSet(CS_ID, NAME, "CREATE", "CREATE_COMPLETE", "", (), STACK_ID)
    cfn.stubber.add_response("delete_change_set", {}, {"ChangeSetName": CS_ID})
    cfn.stubber.add_response("describe_stacks", stack("REVIEW_IN_PROGRESS"), {"StackName": STACK_ID})
    cfn.stubber.add_response("delete_stack", {}, {"StackName": STACK_ID})
    ChangeSets(ops(cfn)).discard(review)
    # a deploy created the real stack in between: it is not touched
    cfn.stubber.add_response("delete_change_set", {}, {"ChangeSetName": CS_ID})
    cfn.stubber.add_response("describe_stacks", stack("CREATE_IN_PROGRESS"), {"StackName": STACK_ID})
    ChangeSets(ops(cfn)).discard(review)


def test_plain_deploy_path_refuses_too(cfn):
    """Direct create/update (the local endpoint's path) goes through the same check."""
    cfn.stubber.add_response("describe_stacks", stack("DELETE_FAILED"))
    cfn.stubber.add_response("list_stack_resources", resources(("Uploads", "DELETE_FAILED")))
    with pytest.raises(DeployError, match="DELETE_FAILED"):
        ops(cfn).deploy(UNTOLD, lambda m: None)


def test_create_failed_kept_its_resources_rollback_disabled_until_told(cfn):
    """On AWS, CREATE_FAILED is a create with rollback disabled: what it made is still there."""
    cfn.stubber.add_response("describe_stacks", stack("CREATE_FAILED"))
    with pytest.raises(DeployError) as info:  # and no delete_stack: the stubber would fail
        ChangeSets(ops(cfn)).deploy("orders", UNTOLD, lambda m: None)
    assert "rollback disabled and kept the resources" in info.value.message
    assert "--recreate orders" in info.value.hint


def test_an_update_a_failed_call_left_on_a_synchronous_endpoint_is_updated_again(cfn):
    """Where every call finishes before it answers (the local endpoint), a stack found
    UPDATE_IN_PROGRESS is an update whose call died: updated again, its resources kept."""
    cfn.stubber.add_response("describe_stacks", stack("UPDATE_IN_PROGRESS"))
    cfn.stubber.add_response("update_stack", {"StackId": STACK_ID})
    cfn.stubber.add_response("describe_stack_events", events("UPDATE_COMPLETE"))
    cfn.stubber.add_response("describe_stacks", stack("UPDATE_COMPLETE"))
    seen: list[str] = []
    synchronous = StackOps(cfn, synchronous=True, sleep=lambda seconds: None, poll=0.01)
    result = synchronous.deploy(UNTOLD, seen.append)
    assert result.ok and result.action == "updated"
    assert "found UPDATE_IN_PROGRESS left by a failed call" in seen


def test_a_create_change_set_whose_wait_fails_leaves_no_review_stack(cfn):
    """The run stops waiting (a second Ctrl-C) or the read fails while the change set is being
    made: it is deleted, with the stack it made for review, and the failure raised."""
    cfn.stubber.add_client_error("describe_stacks", "ValidationError", "does not exist")
    cfn.stubber.add_response("create_change_set", {"Id": CS_ID, "StackId": STACK_ID})
    cfn.stubber.add_client_error("describe_change_set", "AccessDenied", "not allowed", 403)
    cfn.stubber.add_response("delete_change_set", {}, {"ChangeSetName": CS_ID})
    cfn.stubber.add_response("describe_stacks", stack("REVIEW_IN_PROGRESS"), {"StackName": STACK_ID})
    cfn.stubber.add_response("delete_stack", {}, {"StackName": STACK_ID})
    with pytest.raises(ClientError, match="not allowed"):
        ChangeSets(ops(cfn)).deploy("orders", UNTOLD, lambda m: None)


def test_a_change_set_that_cannot_execute_is_deleted(cfn):
    cfn.stubber.add_response("describe_stacks", stack("UPDATE_COMPLETE"))
    expect_change_set(cfn, "UPDATE", changes=[{"Type": "Resource", "ResourceChange": {
        "Action": "Add", "LogicalResourceId": "Queue", "ResourceType": "AWS::SQS::Queue"}}])
    cfn.stubber.add_client_error("execute_change_set", "InvalidChangeSetStatus", "obsolete")
    cfn.stubber.add_response("delete_change_set", {}, {"ChangeSetName": CS_ID})
    result = ChangeSets(ops(cfn)).deploy("orders", UNTOLD, lambda m: None)
    assert not result.ok and "obsolete" in result.reason


def test_an_unchanged_stack_of_a_protected_environment_is_protected(cfn):
    """An empty change set changes nothing, but the stack still gets termination protection
    (the environment became protected after it was deployed)."""
    cfn.stubber.add_response("describe_stacks", stack("UPDATE_COMPLETE"))
    expect_change_set(cfn, "UPDATE", status="FAILED",
                      reason="The submitted information didn't contain changes.")
    cfn.stubber.add_response("delete_change_set", {}, {"ChangeSetName": CS_ID})
    cfn.stubber.add_response("update_termination_protection", {"StackId": STACK_ID},
                             {"StackName": NAME, "EnableTerminationProtection": True})
    cfn.stubber.add_response("describe_stacks", stack("UPDATE_COMPLETE"))
    protect = REQ.__class__(**{**UNTOLD.__dict__, "termination_protection": True})
    result = ChangeSets(ops(cfn)).deploy("orders", protect, lambda m: None)
    assert result.ok and result.action == "unchanged"
