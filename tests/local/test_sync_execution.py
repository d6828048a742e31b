"""Step Functions StartSyncExecution on the endpoint: an Express state machine run to its end
(Pass, Lambda Task, Fail states), a STANDARD one refused, as AWS answers."""
from __future__ import annotations

import json

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from lambda_helpers import Functions

ROLE = "arn:aws:iam::123456789012:role/sfn"
DOUBLE = "def handler(event, context):\n    return {'doubled': event['n'] * 2}\n"


@pytest.fixture
def sfn(moto_url):
    """A client that sends StartSyncExecution to the endpoint's own host: with its `sync-`
    host prefix the name `sync-127.0.0.1` resolves nowhere."""
    session = boto3.Session(aws_access_key_id="testing", aws_secret_access_key="testing",
                            region_name="us-east-1")
    return session.client("stepfunctions", endpoint_url=moto_url,
                          config=Config(inject_host_prefix=False, retries={"max_attempts": 1}))


def machine(sfn, name: str, states: dict, kind: str = "EXPRESS", **top) -> str:
    definition = {"StartAt": next(iter(states)), "States": states, **top}
    return sfn.create_state_machine(name=name, roleArn=ROLE, type=kind,
                                    definition=json.dumps(definition))["stateMachineArn"]


def test_an_express_machine_runs_to_its_end_with_its_output(sfn):
    arn = machine(sfn, "greet", {"Say": {"Type": "Pass", "Parameters": {"hello.$": "$.who"},
                                         "End": True}})
    answer = sfn.start_sync_execution(stateMachineArn=arn, input='{"who": "ann"}', name="n1")
    assert answer["status"] == "SUCCEEDED"
    assert json.loads(answer["output"]) == {"hello": "ann"}
    assert json.loads(answer["input"]) == {"who": "ann"}
    assert answer["stateMachineArn"] == arn and answer["name"] == "n1"
    assert answer["executionArn"].startswith(
        "arn:aws:states:us-east-1:123456789012:express:greet:n1:")
    assert answer["stopDate"] >= answer["startDate"]
    assert answer["billingDetails"]["billedDurationInMilliseconds"] >= 100


def test_a_lambda_task_runs_the_local_function(sfn, aws):
    Functions(aws).create("double", {"app.py": DOUBLE})
    fn = "arn:aws:lambda:us-east-1:123456789012:function:double"
    arn = machine(sfn, "calc", {
        "Direct": {"Type": "Task", "Resource": fn, "Next": "Invoke"},
        "Invoke": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                   "Parameters": {"FunctionName": fn, "Payload": {"n.$": "$.doubled"}},
                   "OutputPath": "$.Payload", "End": True}})
    answer = sfn.start_sync_execution(stateMachineArn=arn, input='{"n": 3}')
    assert answer["status"] == "SUCCEEDED", answer
    assert json.loads(answer["output"]) == {"doubled": 12}


def test_a_failing_machine_answers_its_error_and_cause(sfn):
    arn = machine(sfn, "refuse", {"No": {"Type": "Fail", "Error": "Refused",
                                         "Cause": "not today"}})
    answer = sfn.start_sync_execution(stateMachineArn=arn)
    assert (answer["status"], answer["error"], answer["cause"]) == (
        "FAILED", "Refused", "not today")
    assert "output" not in answer


def test_the_machines_own_timeout_ends_it(sfn):
    arn = machine(sfn, "slow", {"Nap": {"Type": "Wait", "Seconds": 30, "End": True}},
                  TimeoutSeconds=1)
    answer = sfn.start_sync_execution(stateMachineArn=arn)
    assert answer["status"] == "TIMED_OUT"


def test_a_standard_machine_is_refused(sfn):
    arn = machine(sfn, "long", {"Done": {"Type": "Succeed"}}, kind="STANDARD")
    with pytest.raises(ClientError) as raised:
        sfn.start_sync_execution(stateMachineArn=arn)
    assert raised.value.response["Error"]["Code"] == "StateMachineTypeNotSupported"


def test_input_that_is_not_json_is_refused(sfn):
    arn = machine(sfn, "strict", {"Done": {"Type": "Succeed"}})
    with pytest.raises(ClientError) as raised:
        sfn.start_sync_execution(stateMachineArn=arn, input="{not json")
    assert raised.value.response["Error"]["Code"] == "InvalidExecutionInput"


def test_an_express_machine_made_by_cloudformation(sfn, stack):
    """StateMachineType, a Definition object and its DefinitionSubstitutions as AWS takes them."""
    out = stack.create({"Resources": {"Machine": {
        "Type": "AWS::StepFunctions::StateMachine", "Properties": {
            "StateMachineType": "EXPRESS", "RoleArn": ROLE,
            "DefinitionSubstitutions": {"Greeting": "hello", "Loud": True},
            "Definition": {"StartAt": "Say", "States": {"Say": {
                "Type": "Pass", "Result": {"say": "${Greeting}", "loud": "${Loud}"},
                "End": True}}}}}},
        "Outputs": {"Machine": {"Value": {"Ref": "Machine"}}}})
    answer = sfn.start_sync_execution(stateMachineArn=out["Machine"])
    assert answer["status"] == "SUCCEEDED", answer
    assert json.loads(answer["output"]) == {"say": "hello", "loud": "true"}
    assert sfn.describe_state_machine(stateMachineArn=out["Machine"])["type"] == "EXPRESS"


CALLER = """import boto3

def handler(event, context):
    answer = boto3.client("stepfunctions").start_sync_execution(
        stateMachineArn=event["arn"], input='{"who": "fn"}')
    return {"status": answer["status"], "output": answer["output"]}
"""


def test_a_function_calls_it_with_the_sdks_defaults(sfn, aws):
    """The SDK adds its `sync-` host prefix to AWS_ENDPOINT_URL's host unless told not to."""
    arn = machine(sfn, "called", {"Say": {"Type": "Pass", "End": True}})
    functions = Functions(aws)
    functions.create("caller", {"app.py": CALLER}, Timeout=30)
    payload, error = functions.invoke("caller", {"arn": arn})
    assert error is None, payload
    assert payload == {"status": "SUCCEEDED", "output": '{"who":"fn"}'}


def test_a_definition_the_interpreter_cannot_run_fails_the_execution(sfn):
    arn = machine(sfn, "bogus", {"X": {"Type": "Bogus", "End": True}})
    answer = sfn.start_sync_execution(stateMachineArn=arn)
    assert (answer["status"], answer["error"]) == ("FAILED", "States.Runtime"), answer
    assert answer["cause"]
