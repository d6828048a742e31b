"""Request validators and API keys on the local REST gateway: a request AWS refuses is
refused locally too (400 before the integration runs, 403 without a valid key), from plain
CloudFormation, from SAM's RequestModel/RequestParameters/ApiKeyRequired, and from an
OpenAPI body's x-amazon-apigateway-request-validators."""
from __future__ import annotations

import json
from typing import Any

from apistore import ECHO, _function, _method, _proxy, _resource, call
from ws.local import templatefixes
from ws.local.urls import local_api_url

_ROLE = {"Type": "AWS::IAM::Role", "Properties": {"AssumeRolePolicyDocument": {
    "Version": "2012-10-17", "Statement": []}}}
_API = {"Ref": "Api"}
_ORDER = {"$schema": "http://json-schema.org/draft-04/schema#", "type": "object",
          "required": ["item"], "properties": {"item": {"type": "string"}, "qty": {
              "$ref": {"Fn::Sub": "https://apigateway.amazonaws.com/restapis/${Api}/models/Qty"}}}}


def _model(name: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {"Type": "AWS::ApiGateway::Model", "Properties": {
        "RestApiId": _API, "Name": name, "ContentType": "application/json", "Schema": schema}}


def _key(name: str, enabled: bool | str) -> dict[str, Any]:
    return {"Type": "AWS::ApiGateway::ApiKey", "Properties": {
        "Enabled": enabled, "Value": f"{name}-key-0123456789abcdef"}}


def _checked_api() -> dict[str, Any]:
    """POST /orders (validated body, required query `shop` and header `X-Tenant`) and
    GET /keyed (API key required; POST: "false", as text), with one enabled key in a usage
    plan of stage v1, one disabled key in it ("false", as text), and one enabled key in no
    plan."""
    root = {"Fn::GetAtt": ["Api", "RootResourceId"]}
    return {"Resources": {
        "Role": _ROLE, "Echo": _function(ECHO),
        "Api": {"Type": "AWS::ApiGateway::RestApi", "Properties": {"Name": "checked"}},
        "Qty": _model("Qty", {"type": "integer", "minimum": 1}),
        "Order": _model("Order", _ORDER),
        "All": {"Type": "AWS::ApiGateway::RequestValidator", "Properties": {
            "RestApiId": _API, "ValidateRequestBody": True, "ValidateRequestParameters": True}},
        "Orders": _resource(root, "orders"), "Keyed": _resource(root, "keyed"),
        "PostOrder": _method("Orders", "POST", _proxy("Echo"),
                             RequestValidatorId={"Ref": "All"},
                             RequestModels={"application/json": "Order"},
                             RequestParameters={"method.request.querystring.shop": True,
                                                "method.request.header.X-Tenant": True,
                                                "method.request.querystring.note": False}),
        "GetKeyed": _method("Keyed", "GET", _proxy("Echo"), ApiKeyRequired=True),
        "PostKeyed": _method("Keyed", "POST", _proxy("Echo"), ApiKeyRequired="false"),
        "Deploy": {"Type": "AWS::ApiGateway::Deployment",
                   "DependsOn": ["PostOrder", "GetKeyed", "PostKeyed"],
                   "Properties": {"RestApiId": _API, "StageName": "v1"}},
        "Good": _key("good", True), "Off": _key("off", "false"), "Loose": _key("loose", True),
        "Plan": {"Type": "AWS::ApiGateway::UsagePlan", "DependsOn": "Deploy", "Properties": {
            "ApiStages": [{"ApiId": _API, "Stage": "v1"}]}},
        "GoodInPlan": {"Type": "AWS::ApiGateway::UsagePlanKey", "Properties": {
            "KeyId": {"Ref": "Good"}, "KeyType": "API_KEY", "UsagePlanId": {"Ref": "Plan"}}},
        "OffInPlan": {"Type": "AWS::ApiGateway::UsagePlanKey", "Properties": {
            "KeyId": {"Ref": "Off"}, "KeyType": "API_KEY", "UsagePlanId": {"Ref": "Plan"}}}},
        "Outputs": {"ApiId": {"Value": _API}}}


def _post(url: str, body: Any, **headers: str) -> tuple[int, dict[str, str], Any]:
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    status, answer_headers, answer = call(url, method="POST", body=data, headers={
        "Content-Type": "application/json", **headers})
    return status, answer_headers, json.loads(answer)


def test_validator_checks_body_and_required_parameters(stack, moto_url):
    base = local_api_url(moto_url, stack.create(_checked_api())["ApiId"], "v1")
    tenant = {"X-Tenant": "t1"}
    status, _, event = _post(base + "/orders?shop=s1", {"item": "tea", "qty": 2}, **tenant)
    assert status == 200 and json.loads(event["body"]) == {"item": "tea", "qty": 2}
    for bad in ({"qty": 2}, {"item": "tea", "qty": 0}, {"item": 3}, b"not json"):
        status, headers, answer = _post(base + "/orders?shop=s1", bad, **tenant)
        assert (status, answer) == (400, {"message": "Invalid request body"}), bad
        assert headers["x-amzn-ErrorType"] == "BadRequestException"
    status, _, answer = _post(base + "/orders", {"item": "tea"}, **tenant)
    assert (status, answer) == (400, {"message": "Missing required request parameters: [shop]"})
    status, _, answer = _post(base + "/orders?shop=s1", {"item": "tea"}, **{"X-Tenant": " "})
    assert (status, answer) == (400, {
        "message": "Missing required request parameters: [X-Tenant]"})


def test_api_key_required_wants_an_enabled_key_of_the_stage_plan(stack, moto_url):
    base = local_api_url(moto_url, stack.create(_checked_api())["ApiId"], "v1")
    for headers in ({}, {"x-api-key": "wrong"}, {"x-api-key": "off-key-0123456789abcdef"},
                    {"x-api-key": "loose-key-0123456789abcdef"}):
        status, _, body = call(base + "/keyed", headers=headers)
        assert (status, json.loads(body)) == (403, {"message": "Forbidden"}), headers
    status, _, body = call(base + "/keyed", headers={"X-API-Key": "good-key-0123456789abcdef"})
    assert status == 200, body
    assert call(base + "/keyed", method="POST", body=b"{}")[0] == 200


def test_sam_request_model_parameters_and_api_key(stack, moto_url):
    from ws.package.sam import translate_sam
    event = {"Type": "Api", "Properties": {
        "RestApiId": {"Ref": "Api"}, "Path": "/users", "Method": "post",
        "RequestModel": {"Model": "User", "Required": True, "ValidateBody": True,
                         "ValidateParameters": True},
        "RequestParameters": [{"method.request.querystring.team": {"Required": True}}],
        "Auth": {"ApiKeyRequired": True}}}
    sam = {"Transform": "AWS::Serverless-2016-10-31", "Resources": {
        "Api": {"Type": "AWS::Serverless::Api", "Properties": {"StageName": "v1", "Models": {
            "User": {"type": "object", "required": ["name"],
                     "properties": {"name": {"type": "string"}}}}}},
        "Fn": {"Type": "AWS::Serverless::Function", "Properties": {
            "Runtime": "python3.11", "Handler": "index.handler", "InlineCode": ECHO,
            "Events": {"Post": event}}},
        "Key": {"Type": "AWS::ApiGateway::ApiKey", "Properties": {
            "Enabled": True, "Value": "sam-key-0123456789abcdef"}},
        "Plan": {"Type": "AWS::ApiGateway::UsagePlan", "DependsOn": "Apiv1Stage",
                 "Properties": {"ApiStages": [{"ApiId": {"Ref": "Api"}, "Stage": "v1"}]}},
        "KeyInPlan": {"Type": "AWS::ApiGateway::UsagePlanKey", "Properties": {
            "KeyId": {"Ref": "Key"}, "KeyType": "API_KEY", "UsagePlanId": {"Ref": "Plan"}}}},
        "Outputs": {"ApiId": {"Value": {"Ref": "Api"}}}}
    out = stack.create(templatefixes.prepare(translate_sam(sam, "us-east-1", "api.yaml")))
    url = local_api_url(moto_url, out["ApiId"], "v1") + "/users"
    key = {"x-api-key": "sam-key-0123456789abcdef"}
    status, _, answer = _post(url + "?team=a", {"name": "ada"})
    assert (status, answer) == (403, {"message": "Forbidden"})
    status, _, answer = _post(url + "?team=a", {"name": "ada"}, **key)
    assert status == 200, answer
    status, _, answer = _post(url + "?team=a", {"nom": "ada"}, **key)
    assert (status, answer) == (400, {"message": "Invalid request body"})
    status, _, answer = _post(url, {"name": "ada"}, **key)
    assert (status, answer) == (400, {"message": "Missing required request parameters: [team]"})


def test_openapi_validators_default_and_per_operation(stack, moto_url):
    """A document-wide validator (body only), one operation opting into `params`, one out."""
    def operation(**extra: Any) -> dict[str, Any]:
        return {"x-amazon-apigateway-integration": {
            "type": "aws_proxy", "httpMethod": "POST", "uri": {"Fn::Sub": (
                "arn:aws:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/"
                "${Echo.Arn}/invocations")}}, **extra}
    body = {
        "openapi": "3.0.1", "info": {"title": "validated", "version": "1"},
        "x-amazon-apigateway-request-validators": {
            "body": {"validateRequestBody": True, "validateRequestParameters": False},
            "params": {"validateRequestBody": False, "validateRequestParameters": True}},
        "x-amazon-apigateway-request-validator": "body",
        "components": {"schemas": {
            "Pet": {"type": "object", "required": ["kind"],
                    "properties": {"kind": {"$ref": "#/components/schemas/Kind"}}},
            "Kind": {"type": "string", "enum": ["cat", "dog"]}}},
        "paths": {
            "/pets": {"post": operation(requestBody={"content": {"application/json": {
                "schema": {"$ref": "#/components/schemas/Pet"}}}})},
            "/search": {"get": operation(**{
                "x-amazon-apigateway-request-validator": "params",
                "parameters": [{"name": "q", "in": "query", "required": True,
                                "schema": {"type": "string"}}]})},
            "/open": {"get": operation(**{
                "parameters": [{"name": "q", "in": "query", "required": True,
                                "schema": {"type": "string"}}]})}}}
    template = {"Resources": {
        "Role": _ROLE, "Echo": _function(ECHO),
        "Api": {"Type": "AWS::ApiGateway::RestApi", "Properties": {"Body": body}},
        "Deploy": {"Type": "AWS::ApiGateway::Deployment", "Properties": {
            "RestApiId": _API, "StageName": "v1"}}},
        "Outputs": {"ApiId": {"Value": _API}}}
    base = local_api_url(moto_url, stack.create(templatefixes.prepare(template))["ApiId"], "v1")
    assert _post(base + "/pets", {"kind": "cat"})[0] == 200
    assert _post(base + "/pets", {"kind": "cow"})[2] == {"message": "Invalid request body"}
    status, _, answer = call(base + "/search")
    assert (status, json.loads(answer)) == (400, {
        "message": "Missing required request parameters: [q]"})
    assert call(base + "/search?q=x")[0] == 200
    assert call(base + "/open")[0] == 200  # its validator (body) checks no parameters
