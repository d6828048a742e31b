"""Step Functions StartExecution on the endpoint runs the execution in the background: Lambda
tasks run the local functions, DynamoDB PutItem writes, a failing task fails it, an EventBridge
rule starts one, StopExecution aborts one."""
from __future__ import annotations

import json
import time

from event_helpers import wait_for
from lambda_helpers import Functions

ROLE = "arn:aws:iam::123456789012:role/sfn"
FN = "arn:aws:lambda:us-east-1:123456789012:function:"
PRICE = """
def handler(event, context):
    if event.get("sku") == "none":
        raise ValueError("no such sku")
    return {"id": event["order"], "total": event["qty"] * 3}
"""


def machine(aws, name: str, states: dict, kind: str = "STANDARD") -> str:
    definition = {"StartAt": next(iter(states)), "States": states}
    return aws("stepfunctions").create_state_machine(
        name=name, roleArn=ROLE, type=kind, definition=json.dumps(definition))["stateMachineArn"]


def ended(aws, arn: str, seconds: float = 20) -> dict:
    def done():
        found = aws("stepfunctions").describe_execution(executionArn=arn)
        return found if found["status"] != "RUNNING" else None
    return wait_for(done, seconds)


def priced_order(aws, kind: str = "STANDARD") -> str:
    Functions(aws).create("price", {"app.py": PRICE}, Timeout=30)
    aws("dynamodb").create_table(
        TableName="orders", BillingMode="PAY_PER_REQUEST",
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}])
    return machine(aws, f"order-{kind.lower()}", {
        "Price": {"Type": "Task", "Resource": FN + "price", "Next": "Save"},
        "Save": {"Type": "Task", "Resource": "arn:aws:states:::dynamodb:putItem",
                 "Parameters": {"TableName": "orders", "Item": {
                     "id": {"S.$": "$.id"}, "total": {"N.$": "States.Format('{}', $.total)"}}},
                 "ResultPath": None, "End": True}}, kind)


def test_a_lambda_task_and_a_dynamodb_put_run_to_success(aws):
    arn = priced_order(aws)
    sfn = aws("stepfunctions")
    started = sfn.start_execution(stateMachineArn=arn, name="o-1",
                                  input='{"order": "o-1", "qty": 2, "sku": "a"}')
    assert sfn.describe_execution(executionArn=started["executionArn"])["status"] == "RUNNING"
    run = ended(aws, started["executionArn"])
    assert run["status"] == "SUCCEEDED", run
    assert json.loads(run["output"]) == {"id": "o-1", "total": 6}
    item = aws("dynamodb").get_item(TableName="orders", Key={"id": {"S": "o-1"}})["Item"]
    assert item["total"] == {"N": "6"}
    events = sfn.get_execution_history(executionArn=started["executionArn"])["events"]
    kinds = [e["type"] for e in events]
    assert kinds[0] == "ExecutionStarted" and kinds[-1] == "ExecutionSucceeded"
    assert "LambdaFunctionSucceeded" in kinds and "TaskSucceeded" in kinds
    [listed] = sfn.list_executions(stateMachineArn=arn, statusFilter="SUCCEEDED")["executions"]
    assert listed["name"] == "o-1"


def test_an_express_machine_started_asynchronously_runs_too(aws):
    arn = priced_order(aws, "EXPRESS")
    started = aws("stepfunctions").start_execution(
        stateMachineArn=arn, input='{"order": "o-2", "qty": 1, "sku": "a"}')
    assert ended(aws, started["executionArn"])["status"] == "SUCCEEDED"
    assert aws("dynamodb").get_item(TableName="orders", Key={"id": {"S": "o-2"}})["Item"]


def test_a_failing_task_fails_the_execution_with_its_error_and_cause(aws):
    arn = priced_order(aws)
    started = aws("stepfunctions").start_execution(
        stateMachineArn=arn, input='{"order": "o-3", "qty": 1, "sku": "none"}')
    run = ended(aws, started["executionArn"])
    assert (run["status"], run["error"]) == ("FAILED", "ValueError"), run
    assert "no such sku" in run["cause"]
    assert "Item" not in aws("dynamodb").get_item(TableName="orders", Key={"id": {"S": "o-3"}})


def test_an_eventbridge_rule_starts_a_running_execution(aws):
    arn = machine(aws, "settle", {"Mark": {"Type": "Pass", "Parameters": {"paid.$": "$.detail.id"},
                                           "End": True}})
    events = aws("events")
    events.put_rule(Name="paid", EventPattern=json.dumps({"source": ["shop"]}))
    events.put_targets(Rule="paid", Targets=[{"Id": "sfn", "Arn": arn, "RoleArn": ROLE}])
    events.put_events(Entries=[{"Source": "shop", "DetailType": "Paid",
                                "Detail": json.dumps({"id": "p-1"})}])
    [run] = wait_for(lambda: aws("stepfunctions").list_executions(
        stateMachineArn=arn, statusFilter="SUCCEEDED")["executions"])
    described = ended(aws, run["executionArn"])
    assert json.loads(described["output"]) == {"paid": "p-1"}


def test_stop_execution_aborts_a_waiting_execution(aws):
    arn = machine(aws, "nap", {"Nap": {"Type": "Wait", "Seconds": 60, "Next": "After"},
                               "After": {"Type": "Pass", "End": True}})
    sfn = aws("stepfunctions")
    started = sfn.start_execution(stateMachineArn=arn)["executionArn"]
    time.sleep(0.3)
    assert sfn.describe_execution(executionArn=started)["status"] == "RUNNING"
    t0 = time.monotonic()
    assert sfn.stop_execution(executionArn=started, error="Halt", cause="by hand")["stopDate"]
    run = ended(aws, started, seconds=5)
    assert run["status"] == "ABORTED" and time.monotonic() - t0 < 5
    kinds = [e["type"] for e in sfn.get_execution_history(executionArn=started)["events"]]
    assert "WaitStateEntered" in kinds and "PassStateEntered" not in kinds


def test_a_nested_start_execution_sync_waits_for_the_child(aws):
    child = machine(aws, "child", {"Hi": {"Type": "Pass", "Parameters": {"got.$": "$.a"},
                                          "End": True}})
    parent = machine(aws, "parent", {"Run": {
        "Type": "Task", "Resource": "arn:aws:states:::states:startExecution.sync:2",
        "Parameters": {"StateMachineArn": child, "Input": {"a.$": "$.n"}},
        "ResultSelector": {"child.$": "$.Output", "status.$": "$.Status"}, "End": True}})
    started = aws("stepfunctions").start_execution(stateMachineArn=parent, input='{"n": 7}')
    run = ended(aws, started["executionArn"])
    assert run["status"] == "SUCCEEDED", run
    assert json.loads(run["output"]) == {"child": {"got": 7}, "status": "SUCCEEDED"}


def test_a_plain_start_execution_task_answers_the_childs_arn_and_start_date(aws):
    child = machine(aws, "kid", {"Done": {"Type": "Succeed"}})
    parent = machine(aws, "starter", {"Run": {
        "Type": "Task", "Resource": "arn:aws:states:::states:startExecution",
        "Parameters": {"StateMachineArn": child}, "End": True}})
    started = aws("stepfunctions").start_execution(stateMachineArn=parent)
    run = ended(aws, started["executionArn"])
    assert run["status"] == "SUCCEEDED", run
    answer = json.loads(run["output"])
    assert answer["ExecutionArn"].startswith(child.replace(":stateMachine:", ":execution:"))
    assert answer["StartDate"]


def test_aws_sdk_tasks_of_camel_case_apis_take_and_answer_pascal_case_names(aws):
    child = machine(aws, "looked-at", {"Done": {"Type": "Succeed"}})
    arn = machine(aws, "sdk", {
        "Look": {"Type": "Task", "Resource": "arn:aws:states:::aws-sdk:sfn:describeStateMachine",
                 "Parameters": {"StateMachineArn": child},
                 "ResultSelector": {"name.$": "$.Name", "kind.$": "$.Type"},
                 "ResultPath": "$.machine", "Next": "Make"},
        "Make": {"Type": "Task", "Resource": "arn:aws:states:::aws-sdk:apigateway:createRestApi",
                 "Parameters": {"Name": "made", "EndpointConfiguration": {"Types": ["REGIONAL"]}},
                 "ResultSelector": {"types.$": "$.EndpointConfiguration.Types"},
                 "ResultPath": "$.api", "End": True}})
    started = aws("stepfunctions").start_execution(stateMachineArn=arn)
    run = ended(aws, started["executionArn"])
    assert run["status"] == "SUCCEEDED", run
    assert json.loads(run["output"]) == {"machine": {"name": "looked-at", "kind": "STANDARD"},
                                         "api": {"types": ["REGIONAL"]}}


def test_a_service_the_endpoint_lacks_fails_the_task_so_a_catch_takes_it(aws):
    arn = machine(aws, "lacking", {
        "Ask": {"Type": "Task", "Resource": "arn:aws:states:::aws-sdk:frauddetector:getDetectors",
                "Parameters": {"DetectorId": "d"}, "End": True,
                "Catch": [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.failure",
                           "Next": "Caught"}]},
        "Caught": {"Type": "Pass", "End": True}})
    started = aws("stepfunctions").start_execution(stateMachineArn=arn)
    run = ended(aws, started["executionArn"])
    assert run["status"] == "SUCCEEDED", run
    failure = json.loads(run["output"])["failure"]
    assert failure["Error"].startswith("frauddetector.") and "frauddetector" in failure["Cause"]


def test_the_machines_timeout_ends_a_background_execution(aws):
    definition = {"StartAt": "Nap", "TimeoutSeconds": 1,
                  "States": {"Nap": {"Type": "Wait", "Seconds": 30, "End": True}}}
    arn = aws("stepfunctions").create_state_machine(
        name="late", roleArn=ROLE, definition=json.dumps(definition))["stateMachineArn"]
    started = aws("stepfunctions").start_execution(stateMachineArn=arn)
    assert ended(aws, started["executionArn"], seconds=10)["status"] == "TIMED_OUT"
