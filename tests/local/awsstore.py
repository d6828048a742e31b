"""A REST API whose methods use AWS integrations with mapping templates: a Lambda custom
integration, SQS SendMessage, DynamoDB PutItem/GetItem, Step Functions StartExecution and S3."""
from __future__ import annotations

import json
from typing import Any

import boto3

from apistore import _function, _resource

ORDERS = """
def handler(event, context):
    if event.get("id") == "missing":
        raise LookupError("NotFound: order missing")
    return {"order": event, "flag": True}
"""
_API = {"Ref": "Api"}
_ROOT = {"Fn::GetAtt": ["Api", "RootResourceId"]}


def _service(service: str, tail: str) -> dict[str, Any]:
    return {"Fn::Sub": f"arn:aws:apigateway:${{AWS::Region}}:{service}:{tail}"}


def _method(resource: str, verb: str, integration: dict[str, Any]) -> dict[str, Any]:
    return {"Type": "AWS::ApiGateway::Method", "Properties": {
        "RestApiId": _API, "ResourceId": {"Ref": resource}, "HttpMethod": verb,
        "AuthorizationType": "NONE", "Integration": {
            "Type": "AWS", "Credentials": {"Fn::GetAtt": ["Role", "Arn"]}, **integration}}}


def _ok(template: str, status: str = "200") -> dict[str, Any]:
    return {"StatusCode": status, "ResponseTemplates": {"application/json": template}}


ORDER_REQUEST = ('#set($body = $input.path(\'$\'))\n'
                 '{"id": "$input.params(\'id\')", "qty": $input.json(\'$.qty\'), '
                 '"note": "$util.escapeJavaScript($body.note)", "stage": "$context.stage", '
                 '"tag": "$input.params(\'tag\')", "shop": "$stageVariables.shop"}')
ORDER_RESPONSE = ('#set($r = $input.path(\'$\'))\n'
                  '{"order": "$r.order.id", "qty": $r.order.qty, "flag": $r.flag, '
                  '"note": "$util.escapeJavaScript($r.order.note)"}')


def _methods() -> dict[str, Any]:
    lambda_uri = _service("lambda", "path/2015-03-31/functions/${Orders.Arn}/invocations")
    return {
        "PostOrder": _method("Order", "POST", {
            "IntegrationHttpMethod": "POST", "Uri": lambda_uri,
            "RequestTemplates": {"application/json": ORDER_REQUEST},
            "PassthroughBehavior": "NEVER",
            "IntegrationResponses": [
                {**_ok(ORDER_RESPONSE), "ResponseParameters": {
                    "method.response.header.X-Order": "integration.response.body.order.id"}},
                {**_ok('{"error": "$input.path(\'$.errorMessage\')"}', "404"),
                 "SelectionPattern": "NotFound.*"}]}),
        "PostOrderLater": _method("OrderLater", "POST", {
            "IntegrationHttpMethod": "POST", "Uri": lambda_uri,
            "RequestParameters": {"integration.request.header.X-Amz-Invocation-Type":
                                  "'Event'"},
            "RequestTemplates": {"application/json": ORDER_REQUEST},
            "IntegrationResponses": [
                {**_ok('{"accepted": true}', "202"), "SelectionPattern": ""},
                {**_ok('{"error": "sync"}', "404"), "SelectionPattern": "NotFound.*"}]}),
        "PostQueue": _method("Queue", "POST", {
            "IntegrationHttpMethod": "POST",
            "Uri": _service("sqs", "path/${AWS::AccountId}/${Jobs.QueueName}"),
            "RequestParameters": {"integration.request.header.Content-Type":
                                  "'application/x-www-form-urlencoded'"},
            "RequestTemplates": {"application/json":
                                 "Action=SendMessage&MessageBody=$util.urlEncode($input.body)"},
            "IntegrationResponses": [_ok('{"queued": true}')]}),
        "PostQueueAction": _method("QueueAction", "POST", {
            "IntegrationHttpMethod": "POST", "Uri": _service("sqs", "action/SendMessage"),
            "RequestParameters": {
                "integration.request.querystring.QueueUrl": {"Fn::Sub": "'${Jobs}'"},
                "integration.request.querystring.MessageBody": "method.request.body.job"},
            "IntegrationResponses": [_ok('{"queued": "action"}')]}),
        "QueryItems": _method("Items", "GET", {
            "IntegrationHttpMethod": "POST", "Uri": _service("dynamodb", "action/Query"),
            "RequestTemplates": {"application/json": {"Fn::Sub": (
                '{"TableName": "${Table}", "KeyConditionExpression": "id = :id", '
                '"ExpressionAttributeValues": {":id": {"S": "$input.params(\'id\')"}}}')}},
            "IntegrationResponses": [_ok(
                '[#foreach($i in $input.path(\'$.Items\')){"name": "$i.name.S"}'
                '#if($foreach.hasNext),#end#end]')]}),
        "PutItem": _method("Item", "PUT", {
            "IntegrationHttpMethod": "POST", "Uri": _service("dynamodb", "action/PutItem"),
            "RequestTemplates": {"application/json": {"Fn::Sub": (
                '{"TableName": "${Table}", "Item": {"id": {"S": "$input.params(\'id\')"}, '
                '"name": {"S": "$util.escapeJavaScript($input.path(\'$.name\'))"}}}')}},
            "IntegrationResponses": [_ok('{"saved": "$input.params(\'id\')"}'),
                                     {**_ok('{"failed": true}', "400"),
                                      "SelectionPattern": "4\\d\\d"}]}),
        "GetItem": _method("Item", "GET", {
            "IntegrationHttpMethod": "POST", "Uri": _service("dynamodb", "action/GetItem"),
            "RequestTemplates": {"application/json": {"Fn::Sub": (
                '{"TableName": "${Table}", "Key": {"id": {"S": "$input.params(\'id\')"}}}')}},
            "IntegrationResponses": [_ok(
                '#set($i = $input.path(\'$.Item\'))#if($i)'
                '{"id": "$i.id.S", "name": "$util.escapeJavaScript($i.name.S)"}#else'
                '#set($context.responseOverride.status = 404){"message": "no such item"}#end')]}),
        "PostRun": _method("Run", "POST", {
            "IntegrationHttpMethod": "POST",
            "Uri": _service("states", "action/StartExecution"),
            "RequestTemplates": {"application/json": {"Fn::Sub": (
                '{"stateMachineArn": "${Machine}", '
                '"input": "$util.escapeJavaScript($input.json(\'$\'))"}')}},
            "IntegrationResponses": [_ok('{"execution": "$input.path(\'$.executionArn\')"}')]}),
        "PutFile": _method("File", "PUT", {
            "IntegrationHttpMethod": "PUT",
            "Uri": _service("s3", "path/${Files}/{key}"),
            "RequestParameters": {"integration.request.path.key": "method.request.path.key"},
            "IntegrationResponses": [_ok('{"stored": "$input.params(\'key\')"}')]}),
    }


def template() -> dict[str, Any]:
    methods = _methods()
    resources = {
        "Role": {"Type": "AWS::IAM::Role", "Properties": {"AssumeRolePolicyDocument": {
            "Version": "2012-10-17", "Statement": []}}},
        "Orders": _function(ORDERS),
        "Jobs": {"Type": "AWS::SQS::Queue", "Properties": {"QueueName": "jobs"}},
        "Table": {"Type": "AWS::DynamoDB::Table", "Properties": {
            "TableName": "items", "BillingMode": "PAY_PER_REQUEST",
            "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}],
            "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}]}},
        "Machine": {"Type": "AWS::StepFunctions::StateMachine", "Properties": {
            "RoleArn": {"Fn::GetAtt": ["Role", "Arn"]},
            "DefinitionString": '{"StartAt": "Done", "States": {"Done": {"Type": "Succeed"}}}'}},
        "Files": {"Type": "AWS::S3::Bucket", "Properties": {"BucketName": "api-files"}},
        "Api": {"Type": "AWS::ApiGateway::RestApi", "Properties": {"Name": "aws"}},
        "Orders_": _resource(_ROOT, "orders"), "Order": _resource({"Ref": "Orders_"}, "{id}"),
        "OrderLater": _resource({"Ref": "Order"}, "later"),
        "Queue": _resource(_ROOT, "queue"), "QueueAction": _resource(_ROOT, "queue-action"),
        "Items": _resource(_ROOT, "items"), "Item": _resource({"Ref": "Items"}, "{id}"),
        "Run": _resource(_ROOT, "run"),
        "FilesR": _resource(_ROOT, "files"), "File": _resource({"Ref": "FilesR"}, "{key}"),
        **methods,
        "Deployment": {"Type": "AWS::ApiGateway::Deployment", "DependsOn": sorted(methods),
                       "Properties": {"RestApiId": _API}},
        "Live": {"Type": "AWS::ApiGateway::Stage", "Properties": {
            "RestApiId": _API, "DeploymentId": {"Ref": "Deployment"}, "StageName": "v1",
            "Variables": {"shop": "local"}}},
    }
    return {"Resources": resources, "Outputs": {
        "ApiId": {"Value": {"Ref": "Api"}}, "QueueUrl": {"Value": {"Ref": "Jobs"}},
        "Machine": {"Value": {"Ref": "Machine"}}}}


def deploy(url: str, name: str, body: dict[str, Any]) -> dict[str, str]:
    """Create stack `name` from `body` on the endpoint at `url`; its outputs."""
    cfn = boto3.client("cloudformation", endpoint_url=url, region_name="us-east-1",
                       aws_access_key_id="testing", aws_secret_access_key="testing")
    cfn.create_stack(StackName=name, TemplateBody=json.dumps(body))
    stack = cfn.describe_stacks(StackName=name)["Stacks"][0]
    assert stack["StackStatus"] == "CREATE_COMPLETE", stack["StackStatus"]
    return {o["OutputKey"]: o["OutputValue"] for o in stack.get("Outputs", [])}
