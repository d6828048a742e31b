"""Two SAM services talking through events on the local endpoint, deployed by ws: an order
written to `orders`' table reaches its stream's function, which publishes OrderPlaced on the
default bus; `billing`'s EventBridgeRule function (InputTransformer) writes an invoice, and an
upload to billing's bucket (S3 event) is noted too."""
from __future__ import annotations

import time

from ws import api
from ws.engine.request import RunRequest
from ws.testing.workspaces import workspace_files, write_tree

ORDERS = """Transform: AWS::Serverless-2016-10-31
Resources:
  Orders:
    Type: AWS::DynamoDB::Table
    Properties:
      TableName: ev-orders
      BillingMode: PAY_PER_REQUEST
      AttributeDefinitions: [{AttributeName: id, AttributeType: S}]
      KeySchema: [{AttributeName: id, KeyType: HASH}]
      StreamSpecification: {StreamViewType: NEW_IMAGE}
  Publisher:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/publisher/
      Handler: app.handler
      Runtime: python3.11
      Events:
        Placed:
          Type: DynamoDB
          Properties:
            Stream: !GetAtt Orders.StreamArn
            StartingPosition: LATEST
            BatchSize: 10
"""
PUBLISHER = """import json
import boto3

events = boto3.client("events")

def handler(event, context):
    entries = [{"Source": "shop.orders", "DetailType": "OrderPlaced",
                "Detail": json.dumps({"id": r["dynamodb"]["NewImage"]["id"]["S"],
                                      "amount": int(r["dynamodb"]["NewImage"]["amount"]["N"])})}
               for r in event["Records"] if r["eventName"] == "INSERT"]
    if entries:
        events.put_events(Entries=entries)
"""
BILLING = """Transform: AWS::Serverless-2016-10-31
Resources:
  Invoices:
    Type: AWS::DynamoDB::Table
    Properties:
      TableName: ev-invoices
      BillingMode: PAY_PER_REQUEST
      AttributeDefinitions: [{AttributeName: id, AttributeType: S}]
      KeySchema: [{AttributeName: id, KeyType: HASH}]
  Uploads:
    Type: AWS::S3::Bucket
    Properties:
      BucketName: ev-uploads
  Biller:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/biller/
      Handler: app.handler
      Runtime: python3.11
      Events:
        Placed:
          Type: EventBridgeRule
          Properties:
            Pattern:
              source: [shop.orders]
              detail-type: [OrderPlaced]
              detail:
                amount: [{numeric: [">", 0]}]
            InputTransformer:
              InputPathsMap: {id: $.detail.id, amount: $.detail.amount}
              InputTemplate: '{"invoice": <id>, "total": <amount>}'
        Uploaded:
          Type: S3
          Properties:
            Bucket: !Ref Uploads
            Events: s3:ObjectCreated:*
"""
BILLER = """import boto3

table = boto3.resource("dynamodb").Table("ev-invoices")

def handler(event, context):
    if "Records" in event:
        key = event["Records"][0]["s3"]["object"]["key"]
        table.put_item(Item={"id": "upload:" + key})
    else:
        table.put_item(Item={"id": event["invoice"], "total": event["total"]})
"""


def _invoices(aws) -> dict[str, dict]:
    items = aws("dynamodb").scan(TableName="ev-invoices")["Items"]
    return {item["id"]["S"]: item for item in items}


def _wait(check, seconds: float = 15):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if (result := check()):
            return result
        time.sleep(0.1)
    raise AssertionError(f"not true after {seconds} s")


def test_services_reach_each_other_through_streams_rules_and_buckets(tmp_path, aws):
    root = write_tree(tmp_path, {
        **workspace_files(orders=(ORDERS, {}), billing=(BILLING, {})),
        "stacks/orders/src/publisher/app.py": PUBLISHER,
        "stacks/billing/src/biller/app.py": BILLER})
    report = api.deploy(root, "local", RunRequest())
    assert report.ok, [(s.stack, s.reason) for s in report.stacks]
    aws("dynamodb").put_item(TableName="ev-orders",
                             Item={"id": {"S": "o-1"}, "amount": {"N": "25"}})
    invoices = _wait(lambda: "o-1" in _invoices(aws) and _invoices(aws))
    assert invoices["o-1"]["total"] == {"N": "25"}
    aws("s3").put_object(Bucket="ev-uploads", Key="receipts/o-1.pdf", Body=b"%PDF")
    _wait(lambda: "upload:receipts/o-1.pdf" in _invoices(aws))
