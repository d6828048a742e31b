"""A small REST API template exercising what the local gateway serves, and helpers to call it.

Routes (stage v1): GET /products/{product_id} and ANY /files/{path+} (echo function, no auth),
GET /private (echo function behind the Cognito authorizer), GET /broken (a function returning a
malformed proxy response), GET /crash (a function that raises), GET /mock and OPTIONS /mock
(MOCK, the second a CORS preflight), GET /secure-mock (MOCK behind the authorizer),
GET /items/{item} (HTTP to `BackendUrl`), ANY /proxy/{proxy+} (HTTP_PROXY to `BackendUrl`).
"""
from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any

ECHO = """
import json
def handler(event, context):
    return {"statusCode": 200, "headers": {"X-Echo": "yes"},
            "multiValueHeaders": {"Set-Cookie": ["a=1", "b=2"]}, "body": json.dumps(event)}
"""
BROKEN = """
def handler(event, context):
    return {"statusCode": 200, "body": {"not": "a string"}}
"""
CRASH = """
def handler(event, context):
    raise RuntimeError("boom")
"""
_API = {"Ref": "Api"}


def _function(code: str) -> dict[str, Any]:
    return {"Type": "AWS::Lambda::Function", "Properties": {
        "Runtime": "python3.11", "Handler": "index.handler", "Code": {"ZipFile": code},
        "Role": {"Fn::GetAtt": ["Role", "Arn"]}}}


def _resource(parent: Any, part: str) -> dict[str, Any]:
    return {"Type": "AWS::ApiGateway::Resource", "Properties": {
        "RestApiId": _API, "ParentId": parent, "PathPart": part}}


def _lambda_uri(function: str) -> dict[str, Any]:
    return {"Fn::Sub": "arn:aws:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/"
                       f"${{{function}.Arn}}/invocations"}


def _method(resource: str, verb: str, integration: dict[str, Any], auth: bool = False,
            **extra: Any) -> dict[str, Any]:
    props = {"RestApiId": _API, "ResourceId": {"Ref": resource}, "HttpMethod": verb,
             "AuthorizationType": "COGNITO_USER_POOLS" if auth else "NONE",
             "Integration": integration, **extra}
    if auth:
        props["AuthorizerId"] = {"Ref": "Auth"}
    return {"Type": "AWS::ApiGateway::Method", "Properties": props}


def _proxy(function: str) -> dict[str, Any]:
    return {"Type": "AWS_PROXY", "IntegrationHttpMethod": "POST", "Uri": _lambda_uri(function)}


_MOCK = {"Type": "MOCK", "RequestTemplates": {"application/json": '{"statusCode": 200}'},
         "IntegrationResponses": [{"StatusCode": "200", "ResponseTemplates": {
             "application/json": '{"mocked": true}'}}]}
_PREFLIGHT = {"Type": "MOCK", "RequestTemplates": {"application/json": '{"statusCode": 200}'},
              "IntegrationResponses": [{"StatusCode": "204", "ResponseParameters": {
                  "method.response.header.Access-Control-Allow-Origin": "'https://shop.test'",
                  "method.response.header.Access-Control-Allow-Methods": "'GET,OPTIONS'"}}]}


def _resources() -> dict[str, Any]:
    root = {"Fn::GetAtt": ["Api", "RootResourceId"]}
    return {
        "Products": _resource(root, "products"),
        "Product": _resource({"Ref": "Products"}, "{product_id}"),
        "Files": _resource(root, "files"),
        "FilePath": _resource({"Ref": "Files"}, "{path+}"),
        "Private": _resource(root, "private"),
        "Broken": _resource(root, "broken"),
        "Crash": _resource(root, "crash"),
        "Mock": _resource(root, "mock"),
        "SecureMock": _resource(root, "secure-mock"),
        "Items": _resource(root, "items"),
        "Item": _resource({"Ref": "Items"}, "{item}"),
        "Proxy": _resource(root, "proxy"),
        "ProxyPath": _resource({"Ref": "Proxy"}, "{proxy+}"),
    }


def _methods() -> dict[str, Any]:
    http = {"Type": "HTTP", "IntegrationHttpMethod": "GET",
            "Uri": {"Fn::Sub": "${BackendUrl}/backend/{id}"},
            "RequestParameters": {"integration.request.path.id": "method.request.path.item"},
            "IntegrationResponses": [{"StatusCode": "200"},
                                     {"StatusCode": "404", "SelectionPattern": "404"}]}
    http_proxy = {"Type": "HTTP_PROXY", "IntegrationHttpMethod": "ANY",
                  "Uri": {"Fn::Sub": "${BackendUrl}/backend/{proxy}"},
                  "RequestParameters": {"integration.request.path.proxy":
                                        "method.request.path.proxy"}}
    return {
        "GetProduct": _method("Product", "GET", _proxy("Echo")),
        "AnyFile": _method("FilePath", "ANY", _proxy("Echo")),
        "GetPrivate": _method("Private", "GET", _proxy("Echo"), auth=True),
        "GetBroken": _method("Broken", "GET", _proxy("BrokenFn")),
        "GetCrash": _method("Crash", "GET", _proxy("CrashFn")),
        "GetMock": _method("Mock", "GET", _MOCK),
        "OptionsMock": _method("Mock", "OPTIONS", _PREFLIGHT),
        "GetSecureMock": _method("SecureMock", "GET", _MOCK, auth=True),
        "GetItem": _method("Item", "GET", http),
        "AnyProxy": _method("ProxyPath", "ANY", http_proxy),
    }


def template() -> dict[str, Any]:
    """The API, its functions, a user pool and its client; outputs for the tests."""
    methods = _methods()
    resources = {
        "Pool": {"Type": "AWS::Cognito::UserPool", "Properties": {"UserPoolName": "shoppers"}},
        "Client": {"Type": "AWS::Cognito::UserPoolClient", "Properties": {
            "UserPoolId": {"Ref": "Pool"}, "ClientName": "web",
            "ExplicitAuthFlows": ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]}},
        "Role": {"Type": "AWS::IAM::Role", "Properties": {"AssumeRolePolicyDocument": {
            "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                                                    "Principal": {"Service": "lambda.amazonaws.com"}}]}}},
        "Echo": _function(ECHO), "BrokenFn": _function(BROKEN), "CrashFn": _function(CRASH),
        "Api": {"Type": "AWS::ApiGateway::RestApi", "Properties": {"Name": "shop"}},
        "Auth": {"Type": "AWS::ApiGateway::Authorizer", "Properties": {
            "RestApiId": _API, "Name": "shoppers", "Type": "COGNITO_USER_POOLS",
            "ProviderARNs": [{"Fn::GetAtt": ["Pool", "Arn"]}],
            "IdentitySource": "method.request.header.Authorization"}},
        **_resources(), **methods,
        "Deployment": {"Type": "AWS::ApiGateway::Deployment", "DependsOn": sorted(methods),
                       "Properties": {"RestApiId": _API}},
        "Live": {"Type": "AWS::ApiGateway::Stage", "Properties": {
            "RestApiId": _API, "DeploymentId": {"Ref": "Deployment"}, "StageName": "v1",
            "Variables": {"shop": "local"}}},
    }
    return {"Parameters": {"BackendUrl": {"Type": "String", "Default": "http://127.0.0.1:9"}},
            "Resources": resources,
            "Outputs": {"ApiId": {"Value": {"Ref": "Api"}},
                        "PoolId": {"Value": {"Ref": "Pool"}},
                        "ClientId": {"Value": {"Ref": "Client"}}}}


def call(url: str, method: str = "GET", headers: dict[str, str] | None = None,
         body: bytes | None = None) -> tuple[int, dict[str, str], bytes]:
    """(status, headers, body) of one HTTP request; error statuses are answers too."""
    request = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.status, dict(answer.headers.items()), answer.read()
    except urllib.error.HTTPError as answer:
        return answer.code, dict(answer.headers.items()), answer.read()


def call_json(url: str, **kwargs: Any) -> tuple[int, Any]:
    status, _, body = call(url, **kwargs)
    return status, json.loads(body) if body else None


def id_token(cognito: Any, pool_id: str, client_id: str, user: str = "ada@example.com",
             kind: str = "IdToken") -> str:
    """A real token from the endpoint's Cognito: sign up, admin confirm, initiate_auth."""
    cognito.sign_up(ClientId=client_id, Username=user, Password="Secret-pass-1",
                    UserAttributes=[{"Name": "email", "Value": user}])
    cognito.admin_confirm_sign_up(UserPoolId=pool_id, Username=user)
    result = cognito.initiate_auth(ClientId=client_id, AuthFlow="USER_PASSWORD_AUTH",
                                   AuthParameters={"USERNAME": user,
                                                   "PASSWORD": "Secret-pass-1"})
    return result["AuthenticationResult"][kind]
