"""What only real AWS shows, with botocore's Stubber and responses shaped like AWS's documented
ones: rollback states, empty change sets, throttling, expired credentials, a stack busy with
someone else's update."""
from __future__ import annotations

import boto3
import pytest
from awsstub import CS_ID, NAME, NOW, REQ, STACK_ID, events, expect_change_set, ops, stack
from botocore.stub import Stubber
from ws.cloud.awserrors import credentials_problem
from ws.cloud.changesets import ChangeSets
from ws.errors import DeployError


def test_empty_change_set_is_unchanged_and_deleted(cfn):
    cfn.stubber.add_response("describe_stacks", stack("UPDATE_COMPLETE"), {"StackName": NAME})
    expect_change_set(cfn, "UPDATE", "FAILED", "The submitted information didn't contain "
                      "changes. Submit different information to create a change set.")
    cfn.stubber.add_response("delete_change_set", {}, {"ChangeSetName": CS_ID})
    cfn.stubber.add_response("describe_stacks", stack("UPDATE_COMPLETE", Outputs=[
        {"OutputKey": "QueueUrl", "OutputValue": "https://q"}]), {"StackName": NAME})
    result = ChangeSets(ops(cfn)).deploy("orders", REQ, lambda m: None)
    assert result.ok and result.action == "unchanged"
    assert result.outputs == {"QueueUrl": "https://q"}


def test_rollback_complete_is_deleted_then_created_by_a_create_change_set(cfn):
    cfn.stubber.add_response("describe_stacks", stack("ROLLBACK_COMPLETE"), {"StackName": NAME})
    cfn.stubber.add_response("delete_stack", {}, {"StackName": STACK_ID})
    cfn.stubber.add_response("describe_stack_events", events("DELETE_COMPLETE"))
    cfn.stubber.add_client_error("describe_stacks", "ValidationError",
                                 f"Stack with id {NAME} does not exist")
    expect_change_set(cfn, "CREATE", changes=[{"Type": "Resource", "ResourceChange": {
        "Action": "Add", "LogicalResourceId": "Queue", "ResourceType": "AWS::SQS::Queue"}}])
    cfn.stubber.add_response("execute_change_set", {}, {"ChangeSetName": CS_ID})
    cfn.stubber.add_response("describe_stack_events", events("CREATE_COMPLETE"))
    cfn.stubber.add_response("describe_stacks", stack("CREATE_COMPLETE"))
    seen = []
    result = ChangeSets(ops(cfn)).deploy("orders", REQ, seen.append)
    assert result.ok and result.action == "created"
    assert any("recreating: found ROLLBACK_COMPLETE" in m for m in seen)


def test_update_rollback_failed_is_continued_before_updating(cfn):
    cfn.stubber.add_response("describe_stacks", stack("UPDATE_ROLLBACK_FAILED"))
    cfn.stubber.add_response("continue_update_rollback", {}, {"StackName": NAME})
    cfn.stubber.add_response("describe_stack_events", events("UPDATE_ROLLBACK_COMPLETE"))
    cfn.stubber.add_response("describe_stacks", stack("UPDATE_ROLLBACK_COMPLETE"))
    expect_change_set(cfn, "UPDATE", changes=[{"Type": "Resource", "ResourceChange": {
        "Action": "Modify", "LogicalResourceId": "Fn", "ResourceType": "AWS::Lambda::Function",
        "Replacement": "False"}}])
    cfn.stubber.add_response("execute_change_set", {}, {"ChangeSetName": CS_ID})
    cfn.stubber.add_response("describe_stack_events", events("UPDATE_COMPLETE"))
    cfn.stubber.add_response("describe_stacks", stack("UPDATE_COMPLETE"))
    result = ChangeSets(ops(cfn)).deploy("orders", REQ, lambda m: None)
    assert result.ok and result.action == "updated"


def test_someone_elses_update_is_waited_for_and_throttling_does_not_abandon_it(cfn):
    cfn.stubber.add_response("describe_stacks", stack("UPDATE_IN_PROGRESS"))
    cfn.stubber.add_response("describe_stack_events", events("UPDATE_IN_PROGRESS"))
    cfn.stubber.add_client_error("describe_stacks", "Throttling", "Rate exceeded")
    cfn.stubber.add_response("describe_stack_events", events("UPDATE_IN_PROGRESS"))
    cfn.stubber.add_response("describe_stacks", stack("UPDATE_IN_PROGRESS"))
    cfn.stubber.add_response("describe_stack_events", events("UPDATE_COMPLETE"))
    cfn.stubber.add_response("describe_stacks", stack("UPDATE_COMPLETE"))
    expect_change_set(cfn, "UPDATE", "FAILED", "No updates are to be performed.")
    cfn.stubber.add_response("delete_change_set", {}, {"ChangeSetName": CS_ID})
    cfn.stubber.add_response("describe_stacks", stack("UPDATE_COMPLETE"))
    seen = []
    result = ChangeSets(ops(cfn)).deploy("orders", REQ, seen.append)
    assert result.ok and result.action == "unchanged"
    assert "waiting: stack is UPDATE_IN_PROGRESS" in seen


def test_a_failed_change_set_fails_the_stack_with_its_reason(cfn):
    cfn.stubber.add_response("describe_stacks", stack("UPDATE_COMPLETE"))
    expect_change_set(cfn, "UPDATE", "FAILED", "Parameter 'Url' must be one of AllowedValues")
    cfn.stubber.add_response("delete_change_set", {}, {"ChangeSetName": CS_ID})
    result = ChangeSets(ops(cfn)).deploy("orders", REQ, lambda m: None)
    assert not result.ok and result.reason == "Parameter 'Url' must be one of AllowedValues"


def test_expired_credentials_become_a_clear_error(cfn):
    cfn.stubber.add_client_error("describe_stacks", "ExpiredToken",
                                 "The security token included in the request is expired")
    with pytest.raises(Exception) as info:
        ChangeSets(ops(cfn)).deploy("orders", REQ, lambda m: None)
    problem = credentials_problem(info.value)
    assert isinstance(problem, DeployError)
    assert "expired or are not valid (ExpiredToken)" in str(problem) and "run ws deploy again" \
        in problem.hint


def test_drift_detection_across_stacks(tmp_path):
    from ws.cloud.drift import drift
    from ws.config.environment import load_environment
    from ws.config.workspace import load_workspace
    from ws.testing.workspaces import queue_template, workspace_files, write_tree

    ws = load_workspace(write_tree(tmp_path, workspace_files(
        a=(queue_template(), {}), b=(queue_template(), {}), c=(queue_template(), {}))))
    env = load_environment(ws, "local")
    client = boto3.client("cloudformation", region_name="us-east-1",
                          aws_access_key_id="x", aws_secret_access_key="x")
    with Stubber(client) as stub:
        live = [{"StackName": f"demo-local-{n}", "StackId": f"id-{n}", "StackStatus":
                 "UPDATE_COMPLETE", "CreationTime": NOW} for n in ("a", "b")]
        stub.add_response("describe_stacks", {"Stacks": live})
        for n in ("a", "b"):
            stub.add_response("detect_stack_drift", {"StackDriftDetectionId": f"d-{n}"},
                              {"StackName": f"demo-local-{n}"})
        status = {"StackId": "id-a", "StackDriftDetectionId": "d-a", "Timestamp": NOW}
        stub.add_response("describe_stack_drift_detection_status",
                          {**status, "DetectionStatus": "DETECTION_IN_PROGRESS"})
        stub.add_response("describe_stack_drift_detection_status", {
            **status, "DetectionStatus": "DETECTION_COMPLETE", "StackDriftStatus": "DRIFTED",
            "DriftedStackResourceCount": 1})
        stub.add_response("describe_stack_resource_drifts", {"StackResourceDrifts": [{
            "StackId": "id-a", "LogicalResourceId": "Queue", "ResourceType": "AWS::SQS::Queue",
            "StackResourceDriftStatus": "MODIFIED", "Timestamp": NOW,
            "PropertyDifferences": [{"PropertyPath": "/VisibilityTimeout", "ExpectedValue": "30",
                                     "ActualValue": "60", "DifferenceType": "NOT_EQUAL"}]}]},
            {"StackName": "demo-local-a",
             "StackResourceDriftStatusFilters": ["MODIFIED", "DELETED"]})
        stub.add_response("describe_stack_drift_detection_status", {
            **status, "StackId": "id-b", "StackDriftDetectionId": "d-b",
            "DetectionStatus": "DETECTION_COMPLETE", "StackDriftStatus": "IN_SYNC"})
        found = {d.stack: d for d in drift(ws, env, client, sleep=lambda s: None)}
        stub.assert_no_pending_responses()
    assert found["a"].status == "DRIFTED"
    assert found["a"].resources == [{"logical_id": "Queue", "type": "AWS::SQS::Queue",
                                     "status": "MODIFIED", "properties": ["/VisibilityTimeout"]}]
    assert found["b"].status == "IN_SYNC" and found["c"].status == "NOT_DEPLOYED"


def test_replacing_an_empty_queue_goes_ahead_a_queue_with_messages_stops(cfn):
    sqs = boto3.client("sqs", region_name="us-east-1", aws_access_key_id="x",
                       aws_secret_access_key="x")
    replace = [{"Type": "Resource", "ResourceChange": {
        "Action": "Modify", "LogicalResourceId": "OrdersQueue", "ResourceType": "AWS::SQS::Queue",
        "Replacement": "True"}}]
    url = "https://sqs.us-east-1.amazonaws.com/123456789012/orders"
    with Stubber(sqs) as queue:
        for waiting in ("0", "3"):
            cfn.stubber.add_response("describe_stacks", stack("UPDATE_COMPLETE"))
            expect_change_set(cfn, "UPDATE", changes=replace)
            cfn.stubber.add_response("describe_stack_resource", {"StackResourceDetail": {
                "LogicalResourceId": "OrdersQueue", "ResourceType": "AWS::SQS::Queue",
                "PhysicalResourceId": url, "ResourceStatus": "UPDATE_COMPLETE",
                "LastUpdatedTimestamp": NOW}},
                {"StackName": NAME, "LogicalResourceId": "OrdersQueue"})
            queue.add_response("get_queue_attributes", {"Attributes": {
                "ApproximateNumberOfMessages": waiting, "ApproximateNumberOfMessagesNotVisible": "0",
                "ApproximateNumberOfMessagesDelayed": "0"}})
            if waiting == "0":
                cfn.stubber.add_response("execute_change_set", {}, {"ChangeSetName": CS_ID})
                cfn.stubber.add_response("describe_stack_events", events("UPDATE_COMPLETE"))
                cfn.stubber.add_response("describe_stacks", stack("UPDATE_COMPLETE"))
            else:
                cfn.stubber.add_response("delete_change_set", {}, {"ChangeSetName": CS_ID})
        empty = ChangeSets(ops(cfn), sqs).deploy("orders", REQ, lambda m: None)
        full = ChangeSets(ops(cfn), sqs).deploy("orders", REQ, lambda m: None)
    assert empty.ok and empty.action == "updated"
    assert not full.ok and "replace OrdersQueue (AWS::SQS::Queue)" in full.reason
