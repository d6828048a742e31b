"""The local gateway's pure parts: the Lambda proxy response format, the Cognito authorizer's
checks (with an injected clock), static integration responses."""
from __future__ import annotations

import json
from types import SimpleNamespace

import pytest
from joserfc import jwk, jwt
from moto.utilities.utils import load_resource

from ws.local.apigw import mapping, proxyevent, vtl
from ws.local.apigw.cognito import CognitoAuthorizer, Denied

POOL_ARN = "arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_pool"
ISSUER = "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_pool"


@pytest.mark.parametrize("answer", [
    "not json", [], {"statusCode": 200, "data": "x"}, {"body": "no status"},
    {"statusCode": "abc"}, {"statusCode": 200, "body": {"a": 1}},
    {"statusCode": 200, "headers": {"X": {"nested": 1}}},
    {"statusCode": 200, "multiValueHeaders": {"X": "not a list"}},
    {"statusCode": 200, "body": "%%%", "isBase64Encoded": True}])
def test_malformed_proxy_responses(answer):
    payload = answer.encode() if isinstance(answer, str) else json.dumps(answer).encode()
    with pytest.raises(proxyevent.MalformedResponse):
        proxyevent.response(payload)


def test_proxy_response_headers_status_and_base64_body():
    result = proxyevent.response(json.dumps({
        "statusCode": "201", "headers": {"X-One": 1, "Set-Cookie": "ignored"},
        "multiValueHeaders": {"Set-Cookie": ["a=1", "b=2"]},
        "body": "aGk=", "isBase64Encoded": True}).encode())
    assert result.status == 201 and result.body == b"hi"
    assert ("Set-Cookie", "a=1") in result.headers and ("Set-Cookie", "b=2") in result.headers
    assert ("X-One", "1") in result.headers and result.header("Content-Type") == "application/json"


def _token(now: float, **claims) -> str:
    key = jwk.RSAKey.import_key(load_resource("cognitoidp/resources/jwks-private.json"))
    body = {"iss": ISSUER, "token_use": "id", "exp": int(now) + 60, "sub": "u1", **claims}
    return jwt.encode({"alg": "RS256", "kid": "dummy"}, body, key)


def _authorizer(now: float) -> CognitoAuthorizer:
    model = SimpleNamespace(provider_arns=[POOL_ARN],
                            identity_source="method.request.header.X-Token")
    return CognitoAuthorizer.of(model, clock=lambda: now)


def test_authorizer_checks_expiry_against_its_clock_and_shows_claims():
    token = _token(1_000_000)
    claims = _authorizer(1_000_000).authorize(token, None)["claims"]
    assert claims["sub"] == "u1" and claims["exp"] == "Mon Jan 12 13:47:40 UTC 1970"
    assert _authorizer(1_000_000).header == "X-Token"
    with pytest.raises(Denied, match="expired"):
        _authorizer(1_000_061).authorize(token, None)


def test_scoped_methods_need_an_access_token_with_a_scope():
    now = 1_000_000
    access = _token(now, token_use="access", scope="shop/read shop/write")
    assert _authorizer(now).authorize(access, ["shop/read"])["claims"]["scope"]
    for token, scopes in ((access, ["shop/admin"]), (_token(now), ["shop/read"]),
                          (access, None), (_token(now, iss=ISSUER + "x"), None)):
        with pytest.raises(Denied, match="Unauthorized"):
            _authorizer(now).authorize(token, scopes)


def test_integration_response_selection_and_templates():
    pytest.importorskip("airspeed")
    ok = SimpleNamespace(status_code="200", selection_pattern=None,
                         response_templates={"application/json": '{"ok": 1}'},
                         response_parameters={"method.response.header.X-A": "'a'"})
    gone = SimpleNamespace(status_code="410", selection_pattern="4\\d\\d",
                           response_templates={"application/json": "[$input.body]"},
                           response_parameters={
                               "method.response.header.X-B": "integration.response.header.B",
                               "method.response.header.X-C": "integration.response.body.c"})
    integration = SimpleNamespace(integration_responses={"200": ok, "410": gone})
    seen = {"input": vtl.Input("", {}), "context": vtl.java({})}
    answer = mapping.integration_response(integration, 200, b"backend", seen, "200")
    assert (answer.status, answer.body, answer.header("X-A")) == (200, b'{"ok": 1}', "a")
    answer = mapping.integration_response(integration, 404, b'{"c": "see"}', seen, "404",
                                          (("b", "bee"),))
    assert (answer.status, answer.body) == (410, b'[{"c": "see"}]')
    assert (answer.header("X-B"), answer.header("X-C")) == ("bee", "see")
    answer = mapping.integration_response(integration, 500, b"x", seen, None)
    assert answer.status == 200  # no pattern matches: the default response


def test_http_api_route_ranking_and_stages():
    from ws.local.apigw import httproutes
    keys = ["GET /items/{id}", "GET /items/special", "ANY /items/{id}", "ANY /{proxy+}",
            "POST /items/{id}/notes/{note}", "GET /", "$default"]
    api = SimpleNamespace(routes={k: SimpleNamespace(route_key=k) for k in keys},
                          stages={"$default": "D", "live": "L"})

    def key(method: str, path: str) -> tuple[str, dict]:
        found = httproutes.match(api, method, path)
        return found.route.route_key, found.params

    assert key("GET", "/items/special") == ("GET /items/special", {})
    assert key("GET", "/items/7") == ("GET /items/{id}", {"id": "7"})
    assert key("PUT", "/items/7") == ("ANY /items/{id}", {"id": "7"})
    assert key("GET", "/a/b/c") == ("ANY /{proxy+}", {"proxy": "a/b/c"})
    assert key("POST", "/items/1/notes/2") == ("POST /items/{id}/notes/{note}",
                                               {"id": "1", "note": "2"})
    assert key("GET", "/") == ("GET /", {})
    assert key("DELETE", "/") == ("$default", {})
    assert httproutes.find_stage(api, "live", "/x") == ("L", "/x")
    assert httproutes.find_stage(api, "other", "/x") == ("D", "/other/x")
    assert httproutes.find_stage(api, "", "/") == ("D", "/")


def test_a_provider_that_is_not_a_pool_arn_denies_rather_than_failing():
    # a template parameter filled with something else than a user pool's ARN: no token the
    # endpoint can issue matches it, so callers get API Gateway's 401, not a 500
    model = SimpleNamespace(provider_arns=["not-an-arn", POOL_ARN], identity_source=None)
    authorizer = CognitoAuthorizer.of(model, clock=lambda: 1_000_000)
    with pytest.raises(Denied, match="Unauthorized"):
        authorizer.authorize(None, None)
    assert authorizer.authorize(_token(1_000_000), None)["claims"]["sub"] == "u1"


def test_a_streamed_answer_is_its_prelude_and_body():
    payload = (b'{"statusCode": 201, "headers": {"Content-Type": "text/plain"}, '
               b'"cookies": ["a=1"]}' + b"\x00" * 8 + b"hello " + b"world")
    answer = proxyevent.streamed_response(payload)
    assert (answer.status, answer.body) == (201, b"hello world")
    assert ("Content-Type", "text/plain") in answer.headers and ("Set-Cookie", "a=1") in answer.headers
    bare = proxyevent.streamed_response(b"just bytes")
    assert (bare.status, bare.body) == (200, b"just bytes")
    with pytest.raises(proxyevent.MalformedResponse):
        proxyevent.streamed_response(b"not json" + b"\x00" * 8)
