"""Lambda proxy integration over HTTP: the event a function gets (path parameters, query,
headers, stage variables, Cognito claims), its response mapped back, 502 for a malformed
response or a function error. Functions run in the stand-in runner (lambda_standin)."""
from __future__ import annotations

import json

import pytest
from lambda_standin import moto_url, served  # noqa: F401 (fixtures)

from apistore import call, call_json, id_token, template
from ws.local.urls import local_api_url



@pytest.fixture
def shop(stack, moto_url):
    out = stack.create(template())
    return local_api_url(moto_url, out["ApiId"], "v1"), out


def _event(base: str, path: str, **kwargs) -> tuple[dict, dict]:
    status, headers, body = call(base + path, **kwargs)
    assert status == 200, body
    return json.loads(body), headers


def test_event_has_the_rest_api_v1_shape(shop):
    base, out = shop
    event, headers = _event(base, "/products/42?tag=a&tag=b&q=x", headers={"X-Trace": "t1"})
    assert event["resource"] == "/products/{product_id}" and event["path"] == "/products/42"
    assert event["httpMethod"] == "GET" and event["pathParameters"] == {"product_id": "42"}
    assert event["queryStringParameters"] == {"tag": "b", "q": "x"}
    assert event["multiValueQueryStringParameters"] == {"tag": ["a", "b"], "q": ["x"]}
    assert event["headers"]["X-Trace"] == "t1" and event["multiValueHeaders"]["X-Trace"] == ["t1"]
    assert event["stageVariables"] == {"shop": "local"}
    assert event["body"] is None and event["isBase64Encoded"] is False
    context = event["requestContext"]
    assert context["resourcePath"] == "/products/{product_id}" and context["stage"] == "v1"
    assert context["httpMethod"] == "GET" and context["path"] == "/v1/products/42"
    assert context["apiId"] == out["ApiId"] and context["identity"]["sourceIp"] == "127.0.0.1"
    assert context["requestId"] == headers["x-amzn-RequestId"] and "authorizer" not in context
    assert headers["X-Echo"] == "yes"  # the function's headers reach the client


def test_greedy_path_any_method_and_body(shop):
    base, _ = shop
    event, _ = _event(base, "/files/a/b/c.txt", method="PUT", body=b'{"n": 1}',
                      headers={"Content-Type": "application/json"})
    assert event["resource"] == "/files/{path+}" and event["httpMethod"] == "PUT"
    assert event["pathParameters"] == {"path": "a/b/c.txt"} and event["body"] == '{"n": 1}'
    binary, _ = _event(base, "/files/x", method="POST", body=b"\xff\xfe")
    assert binary["isBase64Encoded"] is True and binary["body"] == "//4="


def test_claims_reach_the_function_with_a_real_token(shop, aws):
    base, out = shop
    token = id_token(aws("cognito-idp"), out["PoolId"], out["ClientId"])
    assert call_json(base + "/private")[0] == 401
    event, _ = _event(base, "/private", headers={"Authorization": token})
    claims = event["requestContext"]["authorizer"]["claims"]
    assert claims["cognito:username"] == "ada@example.com" and claims["token_use"] == "id"
    assert claims["aud"] == out["ClientId"]
    assert claims["iss"].endswith("/" + out["PoolId"])
    assert claims["exp"].endswith("UTC " + claims["exp"][-4:])  # a date, as API Gateway shows


def test_malformed_response_and_function_error_are_502(shop):
    base, _ = shop
    for path in ("/broken", "/crash"):
        status, headers, body = call(base + path)
        assert (status, json.loads(body)) == (502, {"message": "Internal server error"})
