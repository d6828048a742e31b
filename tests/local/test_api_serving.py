"""Deployed REST APIs answer over HTTP on the real local endpoint (its own server process):
routing, gateway errors, MOCK, HTTP and HTTP_PROXY integrations, the Cognito authorizer."""
from __future__ import annotations

import json
import time

import pytest
from joserfc import jwk, jwt
from moto.utilities.utils import load_resource

from apistore import call, call_json, id_token, template
from httpbackend import JsonHandler, serving
from ws.local.urls import local_api_url


class Backend(JsonHandler):
    """A stand-in HTTP backend: answers what it was asked, 404 under /backend/missing."""

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        self._answer()

    def do_POST(self) -> None:  # noqa: N802
        self._answer()

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        self.reply_json(404 if "missing" in self.path else 200,
                        {"method": self.command, "path": self.path,
                         "body": self.rfile.read(length).decode(),
                         "x_test": self.headers.get("X-Test")}, {"X-Backend": "stand-in"})


@pytest.fixture(scope="module")
def backend_url():
    with serving(Backend) as port:
        yield f"http://127.0.0.1:{port}"


@pytest.fixture
def shop(stack, aws, moto_url, backend_url):
    """The API deployed by CloudFormation; its base URL and outputs."""
    body = template()
    body["Parameters"]["BackendUrl"]["Default"] = backend_url
    out = stack.create(body)
    return local_api_url(moto_url, out["ApiId"], "v1"), out


def test_unknown_api_stage_and_path(shop, moto_url):
    base, out = shop
    assert call_json(local_api_url(moto_url, "nosuchapi", "v1") + "/mock")[0] == 404
    assert call_json(local_api_url(moto_url, out["ApiId"], "v2") + "/mock") == (
        403, {"message": "Forbidden"})
    for path, verb in (("/nowhere", "GET"), ("/mock", "DELETE"), ("/products", "GET")):
        status, headers, body = call(base + path, method=verb)
        assert (status, json.loads(body)) == (403, {"message": "Missing Authentication Token"})
        assert headers["x-amzn-ErrorType"] == "MissingAuthenticationTokenException"


def test_mock_integration_and_preflight(shop):
    base, _ = shop
    status, headers, body = call(base + "/mock")
    assert (status, json.loads(body)) == (200, {"mocked": True})
    assert headers["x-amzn-RequestId"]
    status, headers, _ = call(base + "/mock", method="OPTIONS")
    assert status == 204
    assert headers["Access-Control-Allow-Origin"] == "https://shop.test"
    assert headers["Access-Control-Allow-Methods"] == "GET,OPTIONS"
    assert "Access-Control-Allow-Origin" not in call(base + "/mock")[1]  # only where defined


def test_http_integration_maps_path_and_status(shop):
    base, _ = shop
    status, answer = call_json(base + "/items/42?ignored=1")
    assert status == 200
    assert answer["method"] == "GET" and answer["path"] == "/backend/42"  # non-proxy: no query
    assert call(base + "/items/missing")[0] == 404  # the 404 integration response


def test_http_proxy_passes_everything_through(shop):
    base, _ = shop
    status, headers, body = call(base + "/proxy/a/b?q=1&q=2", method="POST",
                                 headers={"X-Test": "kept"}, body=b"payload")
    answer = json.loads(body)
    assert status == 200 and headers["X-Backend"] == "stand-in"
    assert answer == {"method": "POST", "path": "/backend/a/b?q=1&q=2", "body": "payload",
                      "x_test": "kept"}
    assert call(base + "/proxy/missing")[0] == 404


def _signed(claims: dict, key: jwk.RSAKey) -> str:
    return jwt.encode({"alg": "RS256", "kid": "dummy"}, claims, key)


def test_authorizer_refuses_missing_forged_expired_and_access_tokens(shop, aws):
    base, out = shop
    cognito = aws("cognito-idp")
    real = id_token(cognito, out["PoolId"], out["ClientId"])
    claims = jwt.decode(real, jwk.KeySet.import_key_set(
        load_resource("cognitoidp/resources/jwks-public.json"))).claims
    moto_key = jwk.RSAKey.import_key(load_resource("cognitoidp/resources/jwks-private.json"))
    other_pool = {**claims, "iss": claims["iss"].rsplit("/", 1)[0] + "/us-east-1_other"}
    refused = {
        "": "Unauthorized",
        "not-a-jwt": "Unauthorized",
        _signed(claims, jwk.RSAKey.generate_key(2048)): "Unauthorized",  # forged signature
        real[:-4] + ("AAAA" if not real.endswith("AAAA") else "BBBB"): "Unauthorized",
        _signed(other_pool, moto_key): "Unauthorized",  # moto's key, another pool
        _signed({**claims, "exp": int(time.time()) - 5}, moto_key):
            "The incoming token has expired",
        id_token(cognito, out["PoolId"], out["ClientId"], "bob@example.com", "AccessToken"):
            "Unauthorized",  # no scopes on the method: the ID token is required
    }
    for token, message in refused.items():
        headers = {"Authorization": token} if token else {}
        assert call_json(base + "/secure-mock", headers=headers) == (401, {"message": message})
    assert call_json(base + "/secure-mock", headers={"Authorization": real}) == (
        200, {"mocked": True})
    assert call_json(base + "/secure-mock", headers={"Authorization": f"Bearer {real}"})[0] == 200


def test_lambda_proxy_runs_the_deployed_function(shop):
    """The gateway invokes the deployed function through the endpoint's Lambda, which runs it
    in a worker process: the echo function answers with the proxy event it was given."""
    base, _ = shop
    status, event = call_json(base + "/products/7?x=1")
    assert status == 200
    assert event["resource"] == "/products/{product_id}" and event["httpMethod"] == "GET"
    assert event["pathParameters"] == {"product_id": "7"}
    assert event["queryStringParameters"] == {"x": "1"}
    assert event["requestContext"]["stage"] == "v1"
