"""An OpenAPI body's request checks as the local endpoint deploys them: validators, models,
required parameters and API keys (tests/local/test_api_checks.py serves them)."""
from __future__ import annotations

from ws.local.openapichecks import Checks

_SPEC = {
    "swagger": "2.0", "consumes": ["application/json", "application/x-amz-json-1.1"],
    "x-amazon-apigateway-request-validators": {"all": {
        "validateRequestBody": True, "validateRequestParameters": True}},
    "x-amazon-apigateway-request-validator": "all",
    "parameters": {"Tenant": {"name": "X-Tenant", "in": "header", "required": True}},
    "securityDefinitions": {
        "api_key": {"type": "apiKey", "name": "x-api-key", "in": "header"},
        "Gate": {"type": "apiKey", "name": "Authorization", "in": "header",
                 "x-amazon-apigateway-authorizer": {"type": "token"}}},
    "definitions": {"Pet": {"type": "object", "properties": {"tag": {
        "$ref": "#/definitions/Tag"}}}, "Tag": {"type": "string"}},
}


def test_swagger_operation_checks():
    resources: dict = {}
    checks = Checks.of("Api", _SPEC, resources)
    props = checks.method_props({
        "parameters": [{"$ref": "#/parameters/Tenant"},
                       {"name": "q", "in": "query", "required": False},
                       {"name": "pet", "in": "body", "schema": {"$ref": "#/definitions/Pet"}}],
        "security": [{"Gate": [], "api_key": []}]})
    assert props["RequestValidatorId"] == {"Ref": checks.validators["all"]}
    assert props["RequestParameters"] == {"method.request.header.X-Tenant": True,
                                          "method.request.querystring.q": False}
    assert props["RequestModels"] == {"application/json": "Pet",
                                      "application/x-amz-json-1.1": "Pet"}
    assert props["ApiKeyRequired"] is True
    models = [r["Properties"] for r in resources.values()
              if r["Type"] == "AWS::ApiGateway::Model"]
    assert [m["Name"] for m in models] == ["Pet"]
    assert models[0]["Schema"]["definitions"]["Tag"] == {"type": "string"}  # its $ref resolves


def test_an_authorizer_alone_needs_no_key_and_no_validator_adds_nothing():
    spec = {k: v for k, v in _SPEC.items() if not k.startswith("x-amazon")}
    props = Checks.of("Api", spec, {}).method_props({"security": [{"Gate": []}]})
    assert props == {}
