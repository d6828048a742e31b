"""EventBridge Pipes run on the local endpoint, deployed by ws: an SQS queue filtered into a
function (InputTemplate), a queue into a custom bus whose rule feeds another queue, a DynamoDB
stream into a state machine, and a STOPPED pipe that delivers nothing."""
from __future__ import annotations

import json
import time

from ws import api
from ws.engine.request import RunRequest
from ws.testing.workspaces import workspace_files, write_tree

SHOP = """Transform: AWS::Serverless-2016-10-31
Resources:
  Role:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement: [{Effect: Allow, Principal: {Service: pipes.amazonaws.com},
                     Action: sts:AssumeRole}]
  Orders: {Type: AWS::SQS::Queue, Properties: {QueueName: pp-orders}}
  Shipments: {Type: AWS::SQS::Queue, Properties: {QueueName: pp-shipments}}
  Held: {Type: AWS::SQS::Queue, Properties: {QueueName: pp-held}}
  Seen: {Type: AWS::SQS::Queue, Properties: {QueueName: pp-seen}}
  Ruled: {Type: AWS::SQS::Queue, Properties: {QueueName: pp-ruled}}
  Bus: {Type: AWS::Events::EventBus, Properties: {Name: pp-bus}}
  ShippedRule:
    Type: AWS::Events::Rule
    Properties:
      EventBusName: !Ref Bus
      EventPattern: {source: [shop.pipe], detail-type: [Shipped]}
      Targets: [{Id: ruled, Arn: !GetAtt Ruled.Arn}]
  Items:
    Type: AWS::DynamoDB::Table
    Properties:
      TableName: pp-items
      BillingMode: PAY_PER_REQUEST
      AttributeDefinitions: [{AttributeName: id, AttributeType: S}]
      KeySchema: [{AttributeName: id, KeyType: HASH}]
      StreamSpecification: {StreamViewType: NEW_IMAGE}
  Flow:
    Type: AWS::StepFunctions::StateMachine
    Properties:
      StateMachineName: pp-flow
      RoleArn: !GetAtt Role.Arn
      DefinitionString: '{"StartAt": "Done", "States": {"Done": {"Type": "Pass", "End": true}}}'
  Recorder:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/recorder/
      Handler: app.handler
      Runtime: python3.11
  OrdersPipe:
    Type: AWS::Pipes::Pipe
    Properties:
      RoleArn: !GetAtt Role.Arn
      Source: !GetAtt Orders.Arn
      SourceParameters:
        SqsQueueParameters: {BatchSize: 5}
        FilterCriteria: {Filters: [{Pattern: '{"body": {"kind": ["order"]}}'}]}
      Target: !GetAtt Recorder.Arn
      TargetParameters:
        InputTemplate: '{"id": <$.body.id>, "pipe": "<aws.pipes.pipe-name>"}'
  ShipmentsPipe:
    Type: AWS::Pipes::Pipe
    Properties:
      RoleArn: !GetAtt Role.Arn
      Source: !GetAtt Shipments.Arn
      Target: !GetAtt Bus.Arn
      TargetParameters:
        EventBridgeEventBusParameters: {DetailType: Shipped, Source: shop.pipe}
  ItemsPipe:
    Type: AWS::Pipes::Pipe
    Properties:
      RoleArn: !GetAtt Role.Arn
      Source: !GetAtt Items.StreamArn
      SourceParameters:
        DynamoDBStreamParameters: {StartingPosition: TRIM_HORIZON, BatchSize: 10}
      Target: !Ref Flow
      TargetParameters:
        StepFunctionStateMachineParameters: {InvocationType: FIRE_AND_FORGET}
  HeldPipe:
    Type: AWS::Pipes::Pipe
    Properties:
      RoleArn: !GetAtt Role.Arn
      DesiredState: STOPPED
      Source: !GetAtt Held.Arn
      Target: !GetAtt Recorder.Arn
"""
RECORDER = """import json
import boto3

sqs = boto3.client("sqs")

def handler(event, context):
    url = sqs.get_queue_url(QueueName="pp-seen")["QueueUrl"]
    sqs.send_message(QueueUrl=url, MessageBody=json.dumps(event))
"""


def _wait(check, seconds: float = 20):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if (result := check()):
            return result
        time.sleep(0.2)
    raise AssertionError(f"not true after {seconds} s")


def _bodies(aws, queue: str) -> list:
    url = aws("sqs").get_queue_url(QueueName=queue)["QueueUrl"]
    got = aws("sqs").receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=1)
    return [json.loads(m["Body"]) for m in got.get("Messages", [])]


def _send(aws, queue: str, body: dict) -> None:
    url = aws("sqs").get_queue_url(QueueName=queue)["QueueUrl"]
    aws("sqs").send_message(QueueUrl=url, MessageBody=json.dumps(body))


def _waiting(aws, queue: str) -> int:
    url = aws("sqs").get_queue_url(QueueName=queue)["QueueUrl"]
    attrs = aws("sqs").get_queue_attributes(
        QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages",
                                      "ApproximateNumberOfMessagesNotVisible"])["Attributes"]
    return sum(int(v) for v in attrs.values())


def test_pipes_poll_filter_and_deliver_and_a_stopped_one_waits(tmp_path, aws):
    root = write_tree(tmp_path, {**workspace_files(shop=(SHOP, {})),
                                 "stacks/shop/src/recorder/app.py": RECORDER})
    report = api.deploy(root, "local", RunRequest())
    assert report.ok, [(s.stack, s.reason) for s in report.stacks]
    _send(aws, "pp-held", {"kind": "order", "id": "h-1"})
    _send(aws, "pp-orders", {"kind": "refund", "id": "r-1"})
    _send(aws, "pp-orders", {"kind": "order", "id": "o-1"})
    seen = _wait(lambda: _bodies(aws, "pp-seen"))
    assert seen == [[{"id": "o-1", "pipe": seen[0][0]["pipe"]}]]
    assert "OrdersPipe" in seen[0][0]["pipe"]
    _wait(lambda: _waiting(aws, "pp-orders") == 0)  # delivered and filtered both deleted

    _send(aws, "pp-shipments", {"id": "s-1"})
    ruled = _wait(lambda: _bodies(aws, "pp-ruled"))
    assert ruled[0]["source"] == "shop.pipe" and ruled[0]["detail-type"] == "Shipped"
    assert json.loads(ruled[0]["detail"]["body"]) == {"id": "s-1"}

    aws("dynamodb").put_item(TableName="pp-items", Item={"id": {"S": "i-1"}})
    sfn = aws("stepfunctions")
    arn = sfn.list_state_machines()["stateMachines"][0]["stateMachineArn"]
    runs = _wait(lambda: sfn.list_executions(stateMachineArn=arn)["executions"])
    given = json.loads(sfn.describe_execution(executionArn=runs[0]["executionArn"])["input"])
    assert given[0]["dynamodb"]["NewImage"] == {"id": {"S": "i-1"}}

    assert _waiting(aws, "pp-held") == 1 and not _bodies(aws, "pp-seen")


JOBS = """Transform: AWS::Serverless-2016-10-31
Resources:
  Role:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement: [{Effect: Allow, Principal: {Service: pipes.amazonaws.com},
                     Action: sts:AssumeRole}]
  Jobs: {Type: AWS::SQS::Queue, Properties: {QueueName: pj-jobs}}
  Done: {Type: AWS::SQS::Queue, Properties: {QueueName: pj-done.fifo, FifoQueue: true}}
  Notes: {Type: AWS::SQS::Queue, Properties: {QueueName: pj-notes}}
  Bad: {Type: AWS::SQS::Queue, Properties: {QueueName: pj-bad}}
  Seen: {Type: AWS::SQS::Queue, Properties: {QueueName: pp-seen}}
  Log: {Type: AWS::Logs::LogGroup, Properties: {LogGroupName: pj-log}}
  Enricher:
    Type: AWS::Serverless::Function
    Properties: {CodeUri: src/enricher/, Handler: app.handler, Runtime: python3.11}
  Failing:
    Type: AWS::Serverless::Function
    Properties: {CodeUri: src/failing/, Handler: app.handler, Runtime: python3.11}
  JobsPipe:
    Type: AWS::Pipes::Pipe
    Properties:
      RoleArn: !GetAtt Role.Arn
      Source: !GetAtt Jobs.Arn
      Enrichment: !GetAtt Enricher.Arn
      EnrichmentParameters: {InputTemplate: '{"job": <$.body.job>}'}
      Target: !GetAtt Done.Arn
      TargetParameters: {SqsQueueParameters: {MessageGroupId: jobs}}
  NotesPipe:
    Type: AWS::Pipes::Pipe
    Properties:
      RoleArn: !GetAtt Role.Arn
      Source: !GetAtt Notes.Arn
      Target: !GetAtt Log.Arn
      TargetParameters: {InputTemplate: 'Order <$.body.id> is <$.body.status>'}
  BadPipe:
    Type: AWS::Pipes::Pipe
    Properties:
      RoleArn: !GetAtt Role.Arn
      Source: !GetAtt Bad.Arn
      Target: !GetAtt Failing.Arn
"""
ENRICHER = """def handler(event, context):
    return [{"job": item["job"], "enriched": True} for item in event]
"""
FAILING = RECORDER.replace("sqs.send_message(QueueUrl=url, MessageBody=json.dumps(event))",
                           "sqs.send_message(QueueUrl=url, MessageBody=json.dumps(event))\n"
                           "    raise RuntimeError('refused')")


def _log_lines(aws) -> list[str]:
    return [e["message"] for e in aws("logs").filter_log_events(logGroupName="pj-log")["events"]]


def _failing_log(aws) -> str:
    logs = aws("logs")
    groups = logs.describe_log_groups(logGroupNamePrefix="/aws/lambda/demo-local-jobs-Failing")
    return "".join(e["message"] for g in groups["logGroups"]
                   for e in logs.filter_log_events(logGroupName=g["logGroupName"])["events"])


def test_enrichment_answers_text_templates_and_a_failed_target_keeps_the_message(tmp_path, aws):
    root = write_tree(tmp_path, {**workspace_files(jobs=(JOBS, {})),
                                 "stacks/jobs/src/enricher/app.py": ENRICHER,
                                 "stacks/jobs/src/failing/app.py": FAILING})
    report = api.deploy(root, "local", RunRequest())
    assert report.ok, [(s.stack, s.reason) for s in report.stacks]
    _send(aws, "pj-jobs", {"job": "j-1"})
    _send(aws, "pj-notes", {"id": 456, "status": "RETURNED"})
    _send(aws, "pj-bad", {"id": "b-1"})
    done = _wait(lambda: _bodies(aws, "pj-done.fifo"))
    assert done == [{"job": "j-1", "enriched": True}]
    assert _wait(lambda: _log_lines(aws)) == ["Order 456 is RETURNED"]
    tried = _wait(lambda: _bodies(aws, "pp-seen"))
    assert json.loads(tried[0][0]["body"]) == {"id": "b-1"}
    _wait(lambda: "refused" in _failing_log(aws))  # the invoke has ended, failed
    time.sleep(0.3)
    assert _waiting(aws, "pj-bad") == 1  # not deleted: it comes back after the timeout
