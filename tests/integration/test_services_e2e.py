"""A multi-service project end to end on the local endpoint, as a team would write it: four SAM
stacks wired through SSM parameters and `${stack.Output}` references, deployed by ws, then
driven by one SigV4-signed HTTP request per order.

- `platform`: a custom event bus and an SNS topic; their names in SSM parameters.
- `orders`: a REST API (AWS_IAM) whose Python function writes the order to a DynamoDB table
  (with a stream) and puts an `OrderPlaced` event on the bus; the stream's function publishes
  each new order to the topic, its tier as a message attribute.
- `delivery`: a rule on the bus starts a Node.js (ES module) function; its OnSuccess
  destination, a queue, records what it received and answered.
- `notifications`: two queues subscribed to the topic, one with a filter policy (priority
  orders only); that queue's function looks the order up through the orders API at its
  AWS-shaped URL, signed with its own credentials, and records the answer in a table.
"""
from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from typing import Any, Callable

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from ws import api
from ws.engine.request import RunRequest
from ws.local.urls import local_api_url
from ws.testing.workspaces import workspace_files, write_tree

PLATFORM = """Transform: AWS::Serverless-2016-10-31
Description: What every service shares, an event bus and the order notifications topic
Resources:
  Bus:
    Type: AWS::Events::EventBus
    Properties: {Name: shop-events}
  OrderNotifications:
    Type: AWS::SNS::Topic
  BusNameParameter:
    Type: AWS::SSM::Parameter
    Properties: {Name: /shop/events/bus-name, Type: String, Value: !Ref Bus}
  TopicArnParameter:
    Type: AWS::SSM::Parameter
    Properties: {Name: /shop/notifications/topic-arn, Type: String, Value: !Ref OrderNotifications}
Outputs:
  BusArn: {Value: !GetAtt Bus.Arn}
  TopicArn: {Value: !Ref OrderNotifications}
"""

ORDERS = """Transform: AWS::Serverless-2016-10-31
Description: Orders, behind a REST API signed with SigV4
Parameters:
  BusName:
    Type: AWS::SSM::Parameter::Value<String>
    Default: /shop/events/bus-name
  TopicArn:
    Type: String
Globals:
  Function:
    Runtime: python3.11
    Timeout: 10
    Environment:
      Variables:
        TABLE_NAME: !Ref Orders
Resources:
  Orders:
    Type: AWS::DynamoDB::Table
    Properties:
      BillingMode: PAY_PER_REQUEST
      AttributeDefinitions: [{AttributeName: id, AttributeType: S}]
      KeySchema: [{AttributeName: id, KeyType: HASH}]
      StreamSpecification: {StreamViewType: NEW_IMAGE}
  OrdersApi:
    Type: AWS::Serverless::Api
    Properties:
      StageName: prod
      Auth: {DefaultAuthorizer: AWS_IAM}
  OrdersFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/api/
      Handler: app.handler
      Environment:
        Variables:
          BUS_NAME: !Ref BusName
      Policies:
        - DynamoDBCrudPolicy: {TableName: !Ref Orders}
        - EventBridgePutEventsPolicy: {EventBusName: !Ref BusName}
      Events:
        Place:
          Type: Api
          Properties: {RestApiId: !Ref OrdersApi, Path: /orders, Method: post}
        Read:
          Type: Api
          Properties: {RestApiId: !Ref OrdersApi, Path: '/orders/{id}', Method: get}
  NotifyFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/notify/
      Handler: app.handler
      Environment:
        Variables:
          TOPIC_ARN: !Ref TopicArn
      Policies:
        - SNSPublishMessagePolicy: {TopicName: !Select [5, !Split [':', !Ref TopicArn]]}
      Events:
        Written:
          Type: DynamoDB
          Properties:
            Stream: !GetAtt Orders.StreamArn
            StartingPosition: LATEST
            BatchSize: 10
Outputs:
  ApiId: {Value: !Ref OrdersApi}
  ApiUrl: {Value: !Sub 'https://${OrdersApi}.execute-api.${AWS::Region}.amazonaws.com/prod'}
  TableName: {Value: !Ref Orders}
"""

ORDERS_API = """import json
import os

import boto3

table = boto3.resource("dynamodb").Table(os.environ["TABLE_NAME"])
events = boto3.client("events")


def handler(event, context):
    if event["httpMethod"] == "GET":
        item = table.get_item(Key={"id": event["pathParameters"]["id"]}).get("Item")
        return {"statusCode": 200 if item else 404, "body": json.dumps(item or {})}
    order = json.loads(event["body"])
    item = {"id": order["id"], "tier": order["tier"], "status": "PLACED",
            "placedBy": event["requestContext"]["identity"]["accessKey"]}
    table.put_item(Item=item)
    events.put_events(Entries=[{"EventBusName": os.environ["BUS_NAME"], "Source": "shop.orders",
                                "DetailType": "OrderPlaced", "Detail": json.dumps(item)}])
    return {"statusCode": 201, "body": json.dumps(item)}
"""

ORDERS_NOTIFY = """import json
import os

import boto3

sns = boto3.client("sns")


def handler(event, context):
    for record in event["Records"]:
        if record["eventName"] != "INSERT":
            continue
        image = record["dynamodb"]["NewImage"]
        order = {"id": image["id"]["S"], "tier": image["tier"]["S"]}
        sns.publish(TopicArn=os.environ["TOPIC_ARN"], Message=json.dumps(order),
                    MessageAttributes={"tier": {"DataType": "String",
                                                "StringValue": order["tier"]}})
"""

DELIVERY = """Transform: AWS::Serverless-2016-10-31
Description: Schedules a delivery for each order placed
Parameters:
  BusName:
    Type: AWS::SSM::Parameter::Value<String>
    Default: /shop/events/bus-name
Resources:
  Scheduled:
    Type: AWS::SQS::Queue
  ScheduleFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/schedule/
      Handler: index.handler
      Runtime: nodejs20.x
      EventInvokeConfig:
        MaximumRetryAttempts: 0
        DestinationConfig:
          OnSuccess: {Type: SQS, Destination: !GetAtt Scheduled.Arn}
      Events:
        Placed:
          Type: EventBridgeRule
          Properties:
            EventBusName: !Ref BusName
            Pattern: {source: [shop.orders], detail-type: [OrderPlaced]}
Outputs:
  ScheduledQueueUrl: {Value: !Ref Scheduled}
"""

DELIVERY_SCHEDULE = """export const handler = async (event) => {
  const { id, tier } = event.detail;
  return { orderId: id, slot: tier === "priority" ? "today" : "this-week" };
};
"""

NOTIFICATIONS = """Transform: AWS::Serverless-2016-10-31
Description: Order notifications, and the escalation of priority orders
Parameters:
  TopicArn:
    Type: AWS::SSM::Parameter::Value<String>
    Default: /shop/notifications/topic-arn
  OrdersApiUrl:
    Type: String
Resources:
  AllOrders:
    Type: AWS::SQS::Queue
  PriorityOrders:
    Type: AWS::SQS::Queue
  Escalations:
    Type: AWS::Serverless::SimpleTable
  QueuesPolicy:
    Type: AWS::SQS::QueuePolicy
    Properties:
      Queues: [!Ref AllOrders, !Ref PriorityOrders]
      PolicyDocument:
        Version: '2012-10-17'
        Statement:
          - Effect: Allow
            Principal: {Service: sns.amazonaws.com}
            Action: sqs:SendMessage
            Resource: [!GetAtt AllOrders.Arn, !GetAtt PriorityOrders.Arn]
            Condition: {ArnEquals: {aws:SourceArn: !Ref TopicArn}}
  AllSubscription:
    Type: AWS::SNS::Subscription
    Properties:
      TopicArn: !Ref TopicArn
      Protocol: sqs
      Endpoint: !GetAtt AllOrders.Arn
      RawMessageDelivery: true
  PrioritySubscription:
    Type: AWS::SNS::Subscription
    Properties:
      TopicArn: !Ref TopicArn
      Protocol: sqs
      Endpoint: !GetAtt PriorityOrders.Arn
      RawMessageDelivery: true
      FilterPolicy: {tier: [priority]}
  EscalateFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/escalate/
      Handler: app.handler
      Runtime: python3.11
      Timeout: 10
      Environment:
        Variables:
          ORDERS_API_URL: !Ref OrdersApiUrl
          TABLE_NAME: !Ref Escalations
      Policies:
        - DynamoDBCrudPolicy: {TableName: !Ref Escalations}
        - Statement:
            - Effect: Allow
              Action: execute-api:Invoke
              Resource: '*'
      Events:
        Priority:
          Type: SQS
          Properties: {Queue: !GetAtt PriorityOrders.Arn, BatchSize: 1}
Outputs:
  AllOrdersQueueUrl: {Value: !Ref AllOrders}
  PriorityOrdersQueueUrl: {Value: !Ref PriorityOrders}
  EscalationsTable: {Value: !Ref Escalations}
"""

NOTIFICATIONS_ESCALATE = """import json
import os
import urllib.request

import boto3
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest

session = boto3.Session()
table = boto3.resource("dynamodb").Table(os.environ["TABLE_NAME"])


def lookup(order_id):
    url = f"{os.environ['ORDERS_API_URL']}/orders/{order_id}"
    signed = AWSRequest("GET", url)
    SigV4Auth(session.get_credentials(), "execute-api", os.environ["AWS_REGION"]).add_auth(signed)
    request = urllib.request.Request(url, headers=dict(signed.headers.items()))
    with urllib.request.urlopen(request, timeout=5) as answer:
        return json.loads(answer.read())


def handler(event, context):
    for record in event["Records"]:
        order = json.loads(record["body"])
        found = lookup(order["id"])
        table.put_item(Item={"id": order["id"], "status": found["status"],
                             "tier": found["tier"]})
"""


def _files() -> dict[str, Any]:
    return {
        **workspace_files(
            "shop",
            platform=(PLATFORM, {}),
            orders=(ORDERS, {"parameters": {"TopicArn": "${platform.TopicArn}"}}),
            delivery=(DELIVERY, {}),
            notifications=(NOTIFICATIONS, {"parameters": {"OrdersApiUrl": "${orders.ApiUrl}"}})),
        "stacks/orders/src/api/app.py": ORDERS_API,
        "stacks/orders/src/notify/app.py": ORDERS_NOTIFY,
        "stacks/delivery/src/schedule/index.mjs": DELIVERY_SCHEDULE,
        "stacks/delivery/src/schedule/package.json": '{"name": "schedule", "type": "module"}\n',
        "stacks/notifications/src/escalate/app.py": NOTIFICATIONS_ESCALATE,
    }


def _post(url: str, body: dict[str, Any], sign: bool = True) -> tuple[int, dict[str, Any]]:
    """POST `body` to `url`, signed with SigV4 as an AWS_IAM API's client signs it."""
    data = json.dumps(body).encode()
    signed = AWSRequest("POST", url, data=data, headers={"Content-Type": "application/json"})
    if sign:
        SigV4Auth(Credentials("testing", "testing"), "execute-api", "us-east-1").add_auth(signed)
    request = urllib.request.Request(url, data=data, method="POST",
                                     headers=dict(signed.headers.items()))
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as error:
        return error.code, {"error": error.read().decode(errors="replace")}


def _poll(check: Callable[[], Any], done: Callable[[Any], bool] = bool,
          seconds: float = 10) -> Any:
    """check()'s first answer that is done within `seconds`, else its last answer."""
    deadline = time.monotonic() + seconds
    while True:
        got = check()
        if done(got) or time.monotonic() > deadline:
            return got
        time.sleep(0.2)


def _drain(sqs: Any, url: str) -> Callable[[], list[dict[str, Any]]]:
    """A check that gathers a queue's messages (JSON bodies): all received so far."""
    seen: list[dict[str, Any]] = []

    def check() -> list[dict[str, Any]]:
        for message in sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10,
                                           WaitTimeSeconds=0).get("Messages", []):
            seen.append(json.loads(message["Body"]))
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
        return list(seen)

    return check


def _two(got: list[Any]) -> bool:
    return len(got) >= 2


def _empty(sqs: Any, url: str) -> bool:
    """No message waits in the queue or is being processed."""
    counts = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=[
        "ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"])["Attributes"]
    return set(counts.values()) == {"0"}


def _table(dynamodb: Any, name: str) -> dict[str, dict[str, str]]:
    items = dynamodb.scan(TableName=name)["Items"]
    return {i["id"]["S"]: {k: v["S"] for k, v in i.items()} for i in items}


def test_an_order_flows_through_every_service(tmp_path, endpoint, aws):
    root = write_tree(tmp_path, _files())
    report = api.deploy(root, "local", RunRequest())
    assert report.ok, [(s.stack, s.reason) for s in report.stacks]
    outputs = {s.stack: s.outputs for s in report.stacks}
    orders_url = local_api_url(endpoint, outputs["orders"]["ApiId"], "prod") + "/orders"

    assert _post(orders_url, {"id": "o-0", "tier": "standard"}, sign=False)[0] == 403
    for order in ({"id": "o-1", "tier": "priority"}, {"id": "o-2", "tier": "standard"}):
        status, answer = _post(orders_url, order)
        assert (status, answer) == (201, {**order, "status": "PLACED", "placedBy": "testing"})

    orders = _table(aws("dynamodb"), outputs["orders"]["TableName"])
    assert {k: v["status"] for k, v in orders.items()} == {"o-1": "PLACED", "o-2": "PLACED"}

    sqs = aws("sqs")
    scheduled = _poll(_drain(sqs, outputs["delivery"]["ScheduledQueueUrl"]), _two)
    assert sorted((r["requestPayload"]["source"], r["requestPayload"]["detail"]["id"],
                   r["responsePayload"]["orderId"], r["responsePayload"]["slot"])
                  for r in scheduled) == [("shop.orders", "o-1", "o-1", "today"),
                                          ("shop.orders", "o-2", "o-2", "this-week")]

    notified = _poll(_drain(sqs, outputs["notifications"]["AllOrdersQueueUrl"]), _two)
    assert sorted(n["id"] for n in notified) == ["o-1", "o-2"]

    escalations = outputs["notifications"]["EscalationsTable"]
    assert _poll(lambda: _table(aws("dynamodb"), escalations)) == {
        "o-1": {"id": "o-1", "status": "PLACED", "tier": "priority"}}
    # o-2 never reached the priority queue: nothing is left in it, and nothing was escalated
    assert _poll(lambda: _empty(sqs, outputs["notifications"]["PriorityOrdersQueueUrl"]))
    assert set(_table(aws("dynamodb"), escalations)) == {"o-1"}
