"""HTTP APIs (API Gateway v2) on the local gateway: payload formats 2.0 and 1.0, routes and
$default, named and $default stages, JWT (Cognito) and Lambda authorizers, CORS. The APIs are
created through moto's apigatewayv2 API; functions run in the stand-in runner."""
from __future__ import annotations

import json

import boto3
import pytest
from lambda_standin import standin_endpoint

from apistore import ECHO, _function, call, id_token
from awsstore import deploy

PLAIN = """
def handler(event, context):
    return {"hello": event["rawPath"]}
"""
SIMPLE_AUTH = """
def handler(event, context):
    ok = event["headers"].get("authorization") == "letmein"
    return {"isAuthorized": ok, "context": {"user": "ada"}}
"""
POLICY_AUTH = """
def handler(event, context):
    effect = "Allow" if event["identitySource"] == "letmein" else "Deny"
    return {"principalId": "ada", "context": {"tier": "gold"}, "policyDocument": {
        "Version": "2012-10-17", "Statement": [{"Action": "execute-api:Invoke",
        "Effect": effect, "Resource": event["methodArn"]}]}}
"""


@pytest.fixture(scope="module")
def served():
    """One in-process endpoint with the stand-in runner, emptied once: the module's tests
    share what its fixture deploys (each touches its own keys)."""
    with standin_endpoint() as url:
        yield url


@pytest.fixture
def moto_url(served):
    """Overrides the shared fixture: the module's endpoint, not emptied between tests."""
    return served


def _functions(url: str) -> dict[str, str]:
    out = deploy(url, "http-api-functions", {"Resources": {
        "Role": {"Type": "AWS::IAM::Role", "Properties": {"AssumeRolePolicyDocument": {
            "Version": "2012-10-17", "Statement": []}}},
        "Echo": _function(ECHO), "Plain": _function(PLAIN),
        "Simple": _function(SIMPLE_AUTH), "Policy": _function(POLICY_AUTH),
        "Jobs": {"Type": "AWS::SQS::Queue", "Properties": {"QueueName": "http-jobs"}},
        "Machine": {"Type": "AWS::StepFunctions::StateMachine", "Properties": {
            "RoleArn": {"Fn::GetAtt": ["Role", "Arn"]},
            "DefinitionString": '{"StartAt": "Done", "States": {"Done": {"Type": "Succeed"}}}'}},
        "Pool": {"Type": "AWS::Cognito::UserPool", "Properties": {"UserPoolName": "people"}},
        "Client": {"Type": "AWS::Cognito::UserPoolClient", "Properties": {
            "UserPoolId": {"Ref": "Pool"}, "ClientName": "web",
            "ExplicitAuthFlows": ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]}}},
        "Outputs": {**{name: {"Value": {"Fn::GetAtt": [name, "Arn"]}}
                       for name in ("Echo", "Plain", "Simple", "Policy")},
                    "PoolId": {"Value": {"Ref": "Pool"}}, "Queue": {"Value": {"Ref": "Jobs"}},
                    "Machine": {"Value": {"Ref": "Machine"}},
                    "Role": {"Value": {"Fn::GetAtt": ["Role", "Arn"]}},
                    "ClientId": {"Value": {"Ref": "Client"}}}})
    return out


def clients(url: str):
    session = boto3.Session(aws_access_key_id="testing", aws_secret_access_key="testing",
                            region_name="us-east-1")
    return lambda service: session.client(service, endpoint_url=url)


def _uri(arn: str) -> str:
    return f"arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/{arn}/invocations"


@pytest.fixture(scope="module")
def http_api(served):
    aws = clients(served)
    fns = _functions(served)
    v2 = aws("apigatewayv2")
    api = v2.create_api(Name="shop", ProtocolType="HTTP", CorsConfiguration={
        "AllowOrigins": ["https://shop.test"], "AllowMethods": ["GET", "POST"],
        "AllowHeaders": ["authorization"], "MaxAge": 60})["ApiId"]
    echo = v2.create_integration(ApiId=api, IntegrationType="AWS_PROXY",
                                 IntegrationUri=fns["Echo"],
                                 PayloadFormatVersion="2.0")["IntegrationId"]
    echo1 = v2.create_integration(ApiId=api, IntegrationType="AWS_PROXY",
                                  IntegrationUri=_uri(fns["Echo"]),
                                  PayloadFormatVersion="1.0")["IntegrationId"]
    plain = v2.create_integration(ApiId=api, IntegrationType="AWS_PROXY",
                                  IntegrationUri=fns["Plain"],
                                  PayloadFormatVersion="2.0")["IntegrationId"]
    enqueue = v2.create_integration(
        ApiId=api, IntegrationType="AWS_PROXY", IntegrationSubtype="SQS-SendMessage",
        CredentialsArn=fns["Role"], PayloadFormatVersion="1.0", RequestParameters={
            "QueueUrl": fns["Queue"], "MessageBody": "$request.body.job"})["IntegrationId"]
    start = v2.create_integration(
        ApiId=api, IntegrationType="AWS_PROXY", IntegrationSubtype="StepFunctions-StartExecution",
        CredentialsArn=fns["Role"], PayloadFormatVersion="1.0", RequestParameters={
            "StateMachineArn": fns["Machine"], "Input": "$request.body"})["IntegrationId"]
    region_pool = f"https://cognito-idp.us-east-1.amazonaws.com/{fns['PoolId']}"
    jwt_auth = v2.create_authorizer(ApiId=api, AuthorizerType="JWT", Name="people",
                                    IdentitySource=["$request.header.Authorization"],
                                    JwtConfiguration={"Audience": [fns["ClientId"]],
                                                      "Issuer": region_pool})["AuthorizerId"]
    simple = v2.create_authorizer(ApiId=api, AuthorizerType="REQUEST", Name="simple",
                                  AuthorizerUri=_uri(fns["Simple"]),
                                  AuthorizerPayloadFormatVersion="2.0",
                                  EnableSimpleResponses=True,
                                  IdentitySource=["$request.header.Authorization"])["AuthorizerId"]
    policy = v2.create_authorizer(ApiId=api, AuthorizerType="REQUEST", Name="policy",
                                  AuthorizerUri=_uri(fns["Policy"]),
                                  AuthorizerPayloadFormatVersion="1.0",
                                  IdentitySource=["$request.header.Authorization"])["AuthorizerId"]
    routes = [("GET /items/{id}", echo, {}), ("GET /items/special", plain, {}),
              ("ANY /v1/{proxy+}", echo1, {}), ("$default", plain, {}),
              ("POST /enqueue", enqueue, {}), ("POST /start", start, {}),
              ("GET /me", echo, {"AuthorizationType": "JWT", "AuthorizerId": jwt_auth}),
              ("GET /simple", echo, {"AuthorizationType": "CUSTOM", "AuthorizerId": simple}),
              ("GET /policy", echo1, {"AuthorizationType": "CUSTOM", "AuthorizerId": policy}),
              ("GET /here", echo, {}), ("GET /here/{x}", echo, {})]
    for key, target, extra in routes:
        v2.create_route(ApiId=api, RouteKey=key, Target=f"integrations/{target}", **extra)
    v2.create_stage(ApiId=api, StageName="$default")
    v2.create_stage(ApiId=api, StageName="live", StageVariables={"shop": "local"})
    return f"{served}/_ws/api/{api}", fns


def _get(url: str, **kwargs) -> tuple[int, dict, object]:
    status, headers, body = call(url, **kwargs)
    return status, headers, json.loads(body) if body else None


def test_payload_2_0_event_and_named_stage(http_api):
    base, _ = http_api
    status, _, event = _get(base + "/live/items/42?a=1&a=2", headers={"Cookie": "c=1; d=2"})
    assert status == 200, event
    assert event["version"] == "2.0" and event["routeKey"] == "GET /items/{id}"
    assert event["rawPath"] == "/live/items/42" and event["rawQueryString"] == "a=1&a=2"
    assert event["queryStringParameters"] == {"a": "1,2"} and event["cookies"] == ["c=1", "d=2"]
    assert event["pathParameters"] == {"id": "42"} and event["stageVariables"] == {"shop": "local"}
    assert event["requestContext"]["stage"] == "live"
    assert event["requestContext"]["http"]["method"] == "GET"


def test_default_stage_literal_route_default_route_and_plain_answers(http_api):
    base, _ = http_api
    status, headers, body = _get(base + "/items/special")
    assert (status, body) == (200, {"hello": "/items/special"})
    assert headers["Content-Type"] == "application/json"
    assert _get(base + "/anything/else")[::2] == (200, {"hello": "/anything/else"})
    assert _get(base + "/")[::2] == (200, {"hello": "/"})


def test_a_first_segment_that_names_no_stage_is_the_default_stages_path(http_api):
    base, _ = http_api
    for path, key, params in (("/here", "GET /here", None),
                              ("/here/x", "GET /here/{x}", {"x": "x"})):
        status, _, event = _get(base + path)
        assert status == 200, event
        assert (event["routeKey"], event["rawPath"]) == (key, path)
        assert event.get("pathParameters") == params
        assert event["requestContext"]["stage"] == "$default"
    _, _, event = _get(base + "/live/here")  # the named stage still takes its segment
    assert (event["routeKey"], event["rawPath"]) == ("GET /here", "/live/here")
    assert event["requestContext"]["stage"] == "live"


def test_payload_1_0_greedy_any_route(http_api):
    base, _ = http_api
    status, _, event = _get(base + "/live/v1/a/b", method="POST", body=b"x")
    assert status == 200, event
    assert event["version"] == "1.0" and event["httpMethod"] == "POST"
    assert event["pathParameters"] == {"proxy": "a/b"} and event["body"] == "x"
    assert event["requestContext"]["routeKey"] == "ANY /v1/{proxy+}"


def test_jwt_authorizer_with_a_cognito_token(http_api, aws):
    base, fns = http_api
    assert _get(base + "/me")[0] == 401
    assert _get(base + "/me", headers={"Authorization": "Bearer nope"})[0] == 401
    token = id_token(aws("cognito-idp"), fns["PoolId"], fns["ClientId"])
    status, _, event = _get(base + "/me", headers={"Authorization": f"Bearer {token}"})
    assert status == 200, event
    claims = event["requestContext"]["authorizer"]["jwt"]["claims"]
    assert claims["cognito:username"] == "ada@example.com" and claims["aud"] == fns["ClientId"]


def test_lambda_authorizers_simple_and_policy(http_api):
    base, _ = http_api
    assert _get(base + "/simple")[0] == 401
    assert _get(base + "/simple", headers={"Authorization": "wrong"})[0] == 403
    status, _, event = _get(base + "/simple", headers={"Authorization": "letmein"})
    assert status == 200 and event["requestContext"]["authorizer"] == {"lambda": {"user": "ada"}}
    assert _get(base + "/policy", headers={"Authorization": "wrong"})[0] == 403
    status, _, event = _get(base + "/policy", headers={"Authorization": "letmein"})
    assert status == 200 and event["requestContext"]["authorizer"]["tier"] == "gold"


def test_cors_preflight_and_allowed_origin(http_api):
    base, _ = http_api
    status, headers, _ = call(base + "/items/1", method="OPTIONS", headers={
        "Origin": "https://shop.test", "Access-Control-Request-Method": "GET"})
    assert status == 204 and headers["Access-Control-Allow-Origin"] == "https://shop.test"
    assert headers["Access-Control-Allow-Methods"] == "GET,POST"
    assert headers["Access-Control-Max-Age"] == "60"
    _, headers, _ = call(base + "/items/1", headers={"Origin": "https://shop.test"})
    assert headers["Access-Control-Allow-Origin"] == "https://shop.test"
    _, headers, _ = call(base + "/items/1", headers={"Origin": "https://evil.test"})
    assert "Access-Control-Allow-Origin" not in headers


def test_unknown_stage_without_default_is_404(aws, moto_url):
    v2 = aws("apigatewayv2")
    api = v2.create_api(Name="bare", ProtocolType="HTTP")["ApiId"]
    v2.create_stage(ApiId=api, StageName="prod")
    status, _, body = _get(f"{moto_url}/_ws/api/{api}/other/x")
    assert (status, body) == (404, {"message": "Not Found"})


def test_first_class_integrations_sqs_and_step_functions(http_api, aws):
    base, fns = http_api
    status, _, answer = _get(base + "/enqueue", method="POST", body=b'{"job": "j-7"}')
    assert status == 200 and answer["MessageId"], answer
    messages = aws("sqs").receive_message(QueueUrl=fns["Queue"])["Messages"]
    assert [m["Body"] for m in messages] == ["j-7"]
    status, _, answer = _get(base + "/start", method="POST", body=b'{"order": 1}')
    assert status == 200, answer
    execution = aws("stepfunctions").describe_execution(executionArn=answer["executionArn"])
    assert json.loads(execution["input"]) == {"order": 1}


def test_a_plain_request_to_a_websocket_api_is_told_to_upgrade(aws, moto_url):
    api = aws("apigatewayv2").create_api(Name="chat", ProtocolType="WEBSOCKET",
                                         RouteSelectionExpression="$request.body.action")
    status, _, body = _get(f"{moto_url}/_ws/api/{api['ApiId']}/prod/")
    assert status == 426 and "WebSocket client" in body["message"]
