"""A REST API's Lambda authorizers (TOKEN and REQUEST): the event the function gets, its IAM
policy applied (Allow -> the method with principalId and context, Deny -> 403), 401 for a
missing or invalid identity or an "Unauthorized" error."""
from __future__ import annotations

import json

import pytest
from lambda_standin import standin_endpoint

from apistore import ECHO, _function, _proxy, _resource, call
from awsstore import deploy
from ws.local.urls import local_api_url

AUTH = """
def handler(event, context):
    token = event.get("authorizationToken") or event["headers"].get("X-Key")
    if token == "boom":
        raise Exception("Unauthorized")
    effect = "Allow" if token.startswith("allow") else "Deny"
    return {"principalId": "ada", "context": {"kind": event["type"], "admin": True},
            "policyDocument": {"Version": "2012-10-17", "Statement": [{
                "Action": "execute-api:Invoke", "Effect": effect,
                "Resource": event["methodArn"]}]}}
"""
_API = {"Ref": "Api"}


def _authorizer(kind: str, source: str, **extra: str) -> dict:
    return {"Type": "AWS::ApiGateway::Authorizer", "Properties": {
        "RestApiId": _API, "Name": kind.lower(), "Type": kind, "IdentitySource": source,
        "AuthorizerUri": {"Fn::Sub": "arn:aws:apigateway:${AWS::Region}:lambda:path/"
                                     "2015-03-31/functions/${Auth.Arn}/invocations"},
        **extra}}


def _method(resource: str, authorizer: str) -> dict:
    return {"Type": "AWS::ApiGateway::Method", "Properties": {
        "RestApiId": _API, "ResourceId": {"Ref": resource}, "HttpMethod": "GET",
        "AuthorizationType": "CUSTOM", "AuthorizerId": {"Ref": authorizer},
        "Integration": _proxy("Echo")}}


def _template() -> dict:
    root = {"Fn::GetAtt": ["Api", "RootResourceId"]}
    return {"Resources": {
        "Role": {"Type": "AWS::IAM::Role", "Properties": {"AssumeRolePolicyDocument": {
            "Version": "2012-10-17", "Statement": []}}},
        "Echo": _function(ECHO), "Auth": _function(AUTH),
        "Api": {"Type": "AWS::ApiGateway::RestApi", "Properties": {"Name": "authz"}},
        "TokenAuth": _authorizer("TOKEN", "method.request.header.Authorization",
                                 IdentityValidationExpression="(allow|deny|boom).*"),
        "RequestAuth": _authorizer("REQUEST", "method.request.header.X-Key, "
                                              "method.request.querystring.tenant"),
        "Token": _resource(root, "token"), "Request": _resource(root, "request"),
        "GetToken": _method("Token", "TokenAuth"), "GetRequest": _method("Request", "RequestAuth"),
        "Deployment": {"Type": "AWS::ApiGateway::Deployment",
                       "DependsOn": ["GetToken", "GetRequest"],
                       "Properties": {"RestApiId": _API, "StageName": "v1"}}},
        "Outputs": {"ApiId": {"Value": {"Ref": "Api"}}}}


@pytest.fixture(scope="module")
def base():
    with standin_endpoint() as url:
        yield local_api_url(url, deploy(url, "authz", _template())["ApiId"], "v1")


def _status(url: str, **headers: str) -> int:
    return call(url, headers=headers)[0]


def test_token_authorizer_allow_puts_principal_and_context_in_the_event(base):
    status, _, body = call(base + "/token", headers={"Authorization": "allow-me"})
    assert status == 200, body
    authorizer = json.loads(body)["requestContext"]["authorizer"]
    assert authorizer == {"principalId": "ada", "kind": "TOKEN", "admin": "true"}


def test_token_authorizer_refusals(base):
    assert _status(base + "/token") == 401  # no token
    assert _status(base + "/token", Authorization="other") == 401  # validation expression
    assert _status(base + "/token", Authorization="boom") == 401  # raised "Unauthorized"
    status, _, body = call(base + "/token", headers={"Authorization": "deny"})
    assert status == 403 and b"explicit deny" in body


def test_request_authorizer_needs_every_identity_source(base):
    assert _status(base + "/request?tenant=t1") == 401
    assert _status(base + "/request", **{"X-Key": "allow"}) == 401
    status, _, body = call(base + "/request?tenant=t1", headers={"X-Key": "allow"})
    assert status == 200, body
    assert json.loads(body)["requestContext"]["authorizer"]["kind"] == "REQUEST"
    assert _status(base + "/request?tenant=t1", **{"X-Key": "deny"}) == 403
