"""OpenAPI documents as real projects write them, imported by the local endpoint: REST and
HTTP APIs deployed from a Body answer on the local gateway. Path Items may carry keys that
are not operations (`parameters`, `summary`, `description`, `servers`)."""
from __future__ import annotations

from typing import Any

from apistore import ECHO, _function, _lambda_uri, call_json
from ws.local import templatefixes
from ws.local.urls import local_api_url

_ROLE = {"Type": "AWS::IAM::Role", "Properties": {"AssumeRolePolicyDocument": {
    "Version": "2012-10-17", "Statement": []}}}
_ID = {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}


def _proxy(version: str | None = None) -> dict[str, Any]:
    integration = {"type": "aws_proxy", "httpMethod": "POST", "uri": _lambda_uri("Echo")}
    return {"x-amazon-apigateway-integration": {
        **integration, **({"payloadFormatVersion": version} if version else {})},
        "responses": {"200": {"description": "ok"}}}


def _paths(version: str | None = None) -> dict[str, Any]:
    """Path Items with path-level keys next to their operations."""
    return {
        "/items/{id}": {"summary": "one item", "description": "an item by id",
                        "parameters": [_ID], "servers": [{"url": "https://items.test"}],
                        "get": _proxy(version)},
        "/things": {"parameters": [{"name": "q", "in": "query", "schema": {"type": "string"}}],
                    "x-amazon-apigateway-any-method": _proxy(version)},
    }


def _stack(api: dict[str, Any], stage: dict[str, Any]) -> dict[str, Any]:
    return {"Resources": {"Role": _ROLE, "Echo": _function(ECHO), "Api": api, "Live": stage},
            "Outputs": {"ApiId": {"Value": {"Ref": "Api"}}}}


def test_http_api_body_with_path_level_keys_answers(stack, moto_url):
    api = {"Type": "AWS::ApiGatewayV2::Api", "Properties": {"Body": {
        "openapi": "3.0.1", "info": {"title": "items", "version": "1"},
        "paths": {**_paths("2.0"), "$default": {
            "x-amazon-apigateway-any-method": _proxy("2.0")}}}}}
    stage = {"Type": "AWS::ApiGatewayV2::Stage", "Properties": {
        "ApiId": {"Ref": "Api"}, "StageName": "$default", "AutoDeploy": True}}
    out = stack.create(_stack(api, stage))
    base = local_api_url(moto_url, out["ApiId"], "$default").removesuffix("/$default")
    status, event = call_json(base + "/items/42")
    assert status == 200, event
    assert event["pathParameters"] == {"id": "42"}
    for verb in ("GET", "DELETE"):  # ANY, from x-amazon-apigateway-any-method
        status, event = call_json(base + "/things?q=1", method=verb)
        assert status == 200, event
    status, event = call_json(base + "/nowhere/else", method="PUT", body=b"{}")
    assert (status, event["routeKey"]) == (200, "$default")


def test_rest_api_body_with_path_level_keys_answers(stack, moto_url):
    api = {"Type": "AWS::ApiGateway::RestApi", "Properties": {"Body": {
        "swagger": "2.0", "info": {"title": "items", "version": "1"}, "paths": _paths()}}}
    stage = {"Type": "AWS::ApiGateway::Deployment", "Properties": {
        "RestApiId": {"Ref": "Api"}, "StageName": "v1"}}
    out = stack.create(templatefixes.prepare(_stack(api, stage)))
    base = local_api_url(moto_url, out["ApiId"], "v1")
    status, event = call_json(base + "/items/42")
    assert status == 200, event
    assert event["pathParameters"] == {"id": "42"}
    status, event = call_json(base + "/things?q=1", method="DELETE")
    assert status == 200, event


GATE = """
def handler(event, context):
    return {"isAuthorized": event["headers"].get("authorization") == "letmein"}
"""


def _gate_scheme() -> dict[str, Any]:
    """A Lambda authorizer as SAM's HttpApi Auth writes it into the document."""
    return {"type": "apiKey", "name": "Authorization", "in": "header",
            "x-amazon-apigateway-authorizer": {
                "type": "request", "authorizerPayloadFormatVersion": "2.0",
                "enableSimpleResponses": True, "authorizerUri": _lambda_uri("Gate"),
                "identitySource": "$request.header.Authorization"}}


def test_http_api_body_keeps_subtypes_authorizers_and_integration_refs(stack, moto_url, aws):
    send = {"x-amazon-apigateway-integration": {
        "type": "aws_proxy", "integrationSubtype": "SQS-SendMessage",
        "payloadFormatVersion": "1.0", "credentials": {"Fn::GetAtt": ["Role", "Arn"]},
        "requestParameters": {"QueueUrl": {"Ref": "Jobs"}, "MessageBody": "$request.body"}},
        "security": []}
    echo = {"type": "aws_proxy", "httpMethod": "POST", "uri": _lambda_uri("Echo"),
            "payloadFormatVersion": "2.0"}
    ref = {"$ref": "#/components/x-amazon-apigateway-integrations/echo"}
    api = {"Type": "AWS::ApiGatewayV2::Api", "Properties": {"Body": {
        "openapi": "3.0.1", "info": {"title": "jobs", "version": "1"},
        "security": [{"gate": []}],
        "paths": {"/jobs": {"post": send},
                  "/secret": {"get": {"x-amazon-apigateway-integration": ref}}},
        "components": {"securitySchemes": {"gate": _gate_scheme()},
                       "x-amazon-apigateway-integrations": {"echo": echo}}}}}
    template = _stack(api, {"Type": "AWS::ApiGatewayV2::Stage", "Properties": {
        "ApiId": {"Ref": "Api"}, "StageName": "$default", "AutoDeploy": True}})
    template["Resources"].update({"Gate": _function(GATE), "Jobs": {
        "Type": "AWS::SQS::Queue", "Properties": {"QueueName": "openapi-jobs"}}})
    out = stack.create(template)
    base = local_api_url(moto_url, out["ApiId"], "$default").removesuffix("/$default")
    assert call_json(base + "/jobs", method="POST", body=b'{"job": 1}')[0] == 200
    queue = aws("sqs").get_queue_url(QueueName="openapi-jobs")["QueueUrl"]
    messages = aws("sqs").receive_message(QueueUrl=queue)["Messages"]
    assert [m["Body"] for m in messages] == ['{"job": 1}']
    assert call_json(base + "/secret")[0] == 401  # the document's default security
    assert call_json(base + "/secret", headers={"Authorization": "nope"})[0] == 403
    status, event = call_json(base + "/secret", headers={"Authorization": "letmein"})
    assert status == 200, event
    assert event["routeKey"] == "GET /secret"


def test_rest_api_body_binary_media_types_reach_the_function_as_base64(stack, moto_url):
    api = {"Type": "AWS::ApiGateway::RestApi", "Properties": {"Body": {
        "swagger": "2.0", "info": {"title": "files", "version": "1"},
        "x-amazon-apigateway-binary-media-types": ["application/octet-stream"],
        "paths": {"/files": {"post": _proxy()}}}}}
    stage = {"Type": "AWS::ApiGateway::Deployment", "Properties": {
        "RestApiId": {"Ref": "Api"}, "StageName": "v1"}}
    out = stack.create(templatefixes.prepare(_stack(api, stage)))
    base = local_api_url(moto_url, out["ApiId"], "v1")
    headers = {"Content-Type": "application/octet-stream"}
    status, event = call_json(base + "/files", method="POST", body=b"abc", headers=headers)
    assert status == 200, event
    assert (event["isBase64Encoded"], event["body"]) == (True, "YWJj")
    status, event = call_json(base + "/files", method="POST", body=b"abc",
                              headers={"Content-Type": "text/plain"})
    assert (event["isBase64Encoded"], event["body"]) == (False, "abc")


def test_http_api_body_change_keeps_the_api_and_its_stage(stack, moto_url):
    def template(path: str) -> dict[str, Any]:
        api = {"Type": "AWS::ApiGatewayV2::Api", "Properties": {"Body": {
            "openapi": "3.0.1", "info": {"title": "items", "version": "1"},
            "paths": {path: {"get": _proxy("2.0")}}}}}
        return _stack(api, {"Type": "AWS::ApiGatewayV2::Stage", "Properties": {
            "ApiId": {"Ref": "Api"}, "StageName": "$default", "AutoDeploy": True}})

    before = stack.create(template("/old"))
    after = stack.update(template("/new"))
    assert after["ApiId"] == before["ApiId"]  # as API Gateway imports a new body in place
    base = local_api_url(moto_url, after["ApiId"], "$default").removesuffix("/$default")
    assert call_json(base + "/new")[0] == 200
    assert call_json(base + "/old")[0] == 404


def test_rest_api_openapi3_document_security_applies_to_every_operation(stack, moto_url):
    open_op = {**_proxy(), "security": []}
    api = {"Type": "AWS::ApiGateway::RestApi", "Properties": {"Body": {
        "openapi": "3.0.1", "info": {"title": "signed", "version": "1"},
        "security": [{"sigv4": []}],
        "components": {"securitySchemes": {"sigv4": {
            "type": "apiKey", "name": "Authorization", "in": "header",
            "x-amazon-apigateway-authtype": "awsSigv4"}}},
        "paths": {"/signed": {"get": _proxy()}, "/open": {"get": open_op}}}}}
    stage = {"Type": "AWS::ApiGateway::Deployment", "Properties": {
        "RestApiId": {"Ref": "Api"}, "StageName": "v1"}}
    out = stack.create(templatefixes.prepare(_stack(api, stage)))
    base = local_api_url(moto_url, out["ApiId"], "v1")
    assert call_json(base + "/signed")[0] == 403  # unsigned, as the document's security says
    assert call_json(base + "/open")[0] == 200
