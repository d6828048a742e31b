"""An HTTP API's OpenAPI body imported into moto's Api object (ws.local.providers.httpimport):
authorizers and security as SAM's HttpApi Auth writes them."""
from __future__ import annotations

from typing import Any

from moto.apigatewayv2.models import apigatewayv2_backends

from ws.local.providers.httpimport import import_body

_OK = {"x-amazon-apigateway-integration": {"type": "aws_proxy", "uri": "arn:fn",
                                           "payloadFormatVersion": "2.0", "timeoutInMillis": 5000}}


def _api() -> Any:
    """A fresh API in moto's in-process backend (not the endpoint's)."""
    return apigatewayv2_backends["123456789012"]["us-east-1"].create_api(
        api_key_selection_expression=None, cors_configuration=None, description=None,
        disable_execute_api_endpoint=None, disable_schema_validation=None, name="x",
        protocol_type="HTTP", route_selection_expression=None, tags={}, version=None)


def test_jwt_and_iam_schemes_and_an_empty_security_list():
    schemes = {"Jwt": {"type": "oauth2", "x-amazon-apigateway-authorizer": {
        "type": "jwt", "identitySource": "$request.header.Authorization",
        "jwtConfiguration": {"issuer": "https://issuer.test", "audience": ["app"]}}},
        "AWS_IAM": {"type": "apiKey", "name": "Authorization", "in": "header",
                    "x-amazon-apigateway-authtype": "awsSigv4"}}
    api = _api()
    import_body(api, {"openapi": "3.0.1", "info": {"title": "t", "version": 2},
                      "components": {"securitySchemes": schemes},
                      "security": [{"Jwt": ["read"]}],
                      "paths": {"/a": {"get": {**_OK}, "post": {**_OK, "security": [
                          {"AWS_IAM": []}]}, "put": {**_OK, "security": []}}}})
    routes = {r.route_key: r for r in api.routes.values()}
    (jwt,) = api.authorizers.values()
    assert (jwt.authorizer_type, jwt.identity_source) == ("JWT", ["$request.header.Authorization"])
    assert jwt.jwt_config == {"issuer": "https://issuer.test", "audience": ["app"]}
    get, post, put = routes["GET /a"], routes["POST /a"], routes["PUT /a"]
    assert (get.authorization_type, get.authorizer_id, get.authorization_scopes) == (
        "JWT", jwt.id, ["read"])
    assert (post.authorization_type, post.authorizer_id) == ("AWS_IAM", None)
    assert put.authorization_type == "NONE"
    integration = api.integrations[get.target.removeprefix("integrations/")]
    assert (integration.integration_type, integration.timeout_in_millis) == ("AWS_PROXY", 5000)


def test_an_operation_without_integration_is_a_route_without_target():
    api = _api()
    import_body(api, {"paths": {"/b": {"delete": {"responses": {}}}}})
    (route,) = api.routes.values()
    assert (route.route_key, route.target, api.integrations) == ("DELETE /b", None, {})


def test_malformed_parts_are_left_out():
    api = _api()
    made = import_body(api, {"components": ["x"], "security": ["x"], "paths": {
        "/c": {"get": {**_OK, "security": ["not a mapping"]}}, "/d": "text"}})
    (route,) = api.routes.values()
    assert (route.route_key, route.authorization_type) == ("GET /c", "NONE")
    assert made == {"routes": [route.route_id], "integrations": sorted(api.integrations),
                    "authorizers": []}
    assert import_body(_api(), {"paths": ["/e"]}) == {
        "routes": [], "integrations": [], "authorizers": []}
