"""Asynchronous invokes on the local endpoint: retries and destinations (EventInvokeConfig)."""
from __future__ import annotations

import json

from event_helpers import bodies, events_of, queue, recorder, wait_for


def test_a_failing_async_invoke_is_retried_then_lands_in_its_on_failure_queue(aws):
    recorder(aws, Environment={"Variables": {"FAIL": "1"}})
    url, arn = queue(aws, "failed-invokes")
    aws("lambda").put_function_event_invoke_config(
        FunctionName="recorder", MaximumRetryAttempts=1,
        DestinationConfig={"OnFailure": {"Destination": arn}})
    answer = aws("lambda").invoke(FunctionName="recorder", InvocationType="Event",
                                  Payload=json.dumps({"order": "o-9"}).encode())
    assert answer["StatusCode"] == 202
    [body] = bodies(aws, url, seconds=15)
    record = json.loads(body)
    assert record["requestContext"]["condition"] == "RetriesExhausted"
    assert record["requestContext"]["approximateInvokeCount"] == 2
    assert record["requestContext"]["functionArn"].endswith("function:recorder:$LATEST")
    assert record["requestPayload"] == {"order": "o-9"}
    assert record["responseContext"]["functionError"] == "Unhandled"
    assert record["responsePayload"]["errorMessage"] == "asked to fail"
    assert events_of(aws) == [{"order": "o-9"}, {"order": "o-9"}]  # failed twice


def test_a_successful_async_invoke_goes_to_its_on_success_destination(aws):
    recorder(aws)
    url, arn = queue(aws, "done")
    aws("lambda").put_function_event_invoke_config(
        FunctionName="recorder", DestinationConfig={"OnSuccess": {"Destination": arn}})
    aws("lambda").invoke(FunctionName="recorder", InvocationType="Event", Payload=b'{"n": 1}')
    [body] = bodies(aws, url)
    record = json.loads(body)
    assert record["requestContext"]["condition"] == "Success"
    assert record["responsePayload"] == {"seen": True}
    assert wait_for(lambda: events_of(aws)) == [{"n": 1}]


def test_an_event_bus_destination_gets_lambdas_result_event(aws):
    arn = recorder(aws)
    url, queue_arn = queue(aws, "results")
    events = aws("events")
    bus = events.describe_event_bus()["Arn"]
    events.put_rule(Name="results", EventPattern=json.dumps({
        "source": ["lambda"], "detail-type": ["Lambda Function Invocation Result - Success"]}))
    events.put_targets(Rule="results", Targets=[{"Id": "q", "Arn": queue_arn}])
    aws("lambda").put_function_event_invoke_config(
        FunctionName="recorder", DestinationConfig={"OnSuccess": {"Destination": bus}})
    aws("lambda").invoke(FunctionName="recorder", InvocationType="Event", Payload=b'{"n": 2}')
    [body] = bodies(aws, url)
    event = json.loads(body)
    assert event["resources"] == [arn]
    assert event["detail"]["requestPayload"] == {"n": 2}
    assert event["detail"]["responsePayload"] == {"seen": True}


def test_a_functions_dead_letter_queue_gets_the_event_it_could_not_process(aws, stack):
    url, arn = queue(aws, "fn-dlq")
    stack.create({"Resources": {
        "Role": {"Type": "AWS::IAM::Role", "Properties": {"AssumeRolePolicyDocument": {
            "Version": "2012-10-17", "Statement": [{
                "Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"},
                "Action": "sts:AssumeRole"}]}}},
        "Fn": {"Type": "AWS::Lambda::Function", "Properties": {
            "FunctionName": "dead-lettered", "Runtime": "python3.11", "Handler": "index.handler",
            "Role": {"Fn::GetAtt": ["Role", "Arn"]}, "DeadLetterConfig": {"TargetArn": arn},
            "Code": {"ZipFile": "def handler(event, context):\n    raise ValueError('bad')\n"}}}}})
    config = aws("lambda").get_function_configuration(FunctionName="dead-lettered")
    assert config["DeadLetterConfig"] == {"TargetArn": arn}
    aws("lambda").put_function_event_invoke_config(FunctionName="dead-lettered",
                                                   MaximumRetryAttempts=0)
    aws("lambda").invoke(FunctionName="dead-lettered", InvocationType="Event",
                         Payload=b'{"order": "o-10"}')
    answer = wait_for(lambda: aws("sqs").receive_message(
        QueueUrl=url, MessageAttributeNames=["All"]).get("Messages"))
    assert json.loads(answer[0]["Body"]) == {"order": "o-10"}
    attributes = {k: v["StringValue"] for k, v in answer[0]["MessageAttributes"].items()}
    assert attributes["ErrorCode"] == "200" and "bad" in attributes["ErrorMessage"]
    assert attributes["RequestID"]
