"""API Gateway integrations that run an Express state machine synchronously: an HTTP API's
`StepFunctions-StartSyncExecution` subtype and a REST API's AWS integration with
`states:action/StartSyncExecution`, answered with the execution's result."""
from __future__ import annotations

import json

import pytest

from apistore import call_json
from ws.local.urls import local_api_url

ROLE = "arn:aws:iam::123456789012:role/apigw"
SYNC_URI = "arn:aws:apigateway:us-east-1:states:action/StartSyncExecution"


@pytest.fixture
def express(aws) -> str:
    definition = {"StartAt": "Total", "States": {"Total": {
        "Type": "Pass", "Parameters": {"total.$": "States.MathAdd($.a, $.b)"}, "End": True}}}
    return aws("stepfunctions").create_state_machine(
        name="adder", roleArn=ROLE, type="EXPRESS",
        definition=json.dumps(definition))["stateMachineArn"]


def test_an_http_api_route_answers_the_execution(aws, moto_url, express):
    v2 = aws("apigatewayv2")
    api = v2.create_api(Name="sums", ProtocolType="HTTP")["ApiId"]
    integration = v2.create_integration(
        ApiId=api, IntegrationType="AWS_PROXY", PayloadFormatVersion="1.0",
        IntegrationSubtype="StepFunctions-StartSyncExecution", CredentialsArn=ROLE,
        RequestParameters={"StateMachineArn": express, "Input": "$request.body"})
    v2.create_route(ApiId=api, RouteKey="POST /sum",
                    Target=f"integrations/{integration['IntegrationId']}")
    v2.create_stage(ApiId=api, StageName="$default")
    status, answer = call_json(f"{moto_url}/_ws/api/{api}/sum", method="POST",
                               body=b'{"a": 2, "b": 3}')
    assert status == 200, answer
    assert answer["status"] == "SUCCEEDED" and json.loads(answer["output"]) == {"total": 5}


def test_a_rest_api_aws_integration_answers_the_execution(aws, moto_url, express):
    rest = aws("apigateway")
    api = rest.create_rest_api(name="sums")["id"]
    root = rest.get_resources(restApiId=api)["items"][0]["id"]
    res = rest.create_resource(restApiId=api, parentId=root, pathPart="sum")["id"]
    rest.put_method(restApiId=api, resourceId=res, httpMethod="POST", authorizationType="NONE")
    rest.put_integration(
        restApiId=api, resourceId=res, httpMethod="POST", type="AWS",
        integrationHttpMethod="POST", uri=SYNC_URI, credentials=ROLE,
        requestTemplates={"application/json": json.dumps({
            "stateMachineArn": express, "input": "$util.escapeJavaScript($input.json('$'))"})})
    rest.put_method_response(restApiId=api, resourceId=res, httpMethod="POST", statusCode="200")
    rest.put_integration_response(
        restApiId=api, resourceId=res, httpMethod="POST", statusCode="200",
        responseTemplates={"application/json": "$input.path('$.output')"})
    rest.create_deployment(restApiId=api, stageName="v1")
    status, answer = call_json(local_api_url(moto_url, api, "v1") + "/sum", method="POST",
                               body=b'{"a": 4, "b": 5}',
                               headers={"Content-Type": "application/json"})
    assert (status, answer) == (200, {"total": 9})
