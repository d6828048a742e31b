"""An OpenAPI REST API body's request checks as CloudFormation resources and Method
properties: request validators, models (definitions, components.schemas or inline schemas),
required parameters, and API keys (an `apiKey` security scheme named x-api-key)."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from ws.local.openapipaths import pointer

_PLACES = {"query": "querystring", "header": "header", "path": "path"}


def _id(api: str, kind: str, key: str) -> str:
    return f"{api}{kind}{hashlib.sha1(key.encode()).hexdigest()[:10]}"


@dataclass
class Checks:
    """The body's validators (name -> logical id) and API key schemes, adding resources."""

    api: str
    spec: dict[str, Any]
    resources: dict[str, Any]
    validators: dict[str, str]
    key_schemes: set[str]

    @classmethod
    def of(cls, api: str, spec: dict[str, Any], resources: dict[str, Any]) -> "Checks":
        validators = {}
        for name, rule in sorted(_mapping(spec.get("x-amazon-apigateway-request-validators"))
                                 .items()):
            validators[name] = logical = _id(api, "Validator", name)
            rule = rule if isinstance(rule, dict) else {}
            resources[logical] = {"Type": "AWS::ApiGateway::RequestValidator", "Properties": {
                "RestApiId": {"Ref": api}, "Name": name,
                "ValidateRequestBody": bool(rule.get("validateRequestBody")),
                "ValidateRequestParameters": bool(rule.get("validateRequestParameters"))}}
        schemes = _mapping(spec.get("securityDefinitions")) or _mapping(
            _mapping(spec.get("components")).get("securitySchemes"))
        keys = {name for name, s in schemes.items() if isinstance(s, dict)
                and s.get("type") == "apiKey" and "x-amazon-apigateway-authorizer" not in s
                and str(s.get("name", "")).lower() == "x-api-key"}
        return cls(api, spec, resources, validators, keys)

    def method_props(self, operation: dict[str, Any]) -> dict[str, Any]:
        """RequestValidatorId, RequestParameters, RequestModels and ApiKeyRequired of one
        operation (only those it has)."""
        props: dict[str, Any] = {}
        name = operation.get("x-amazon-apigateway-request-validator",
                             self.spec.get("x-amazon-apigateway-request-validator"))
        if name in self.validators:
            props["RequestValidatorId"] = {"Ref": self.validators[name]}
        parameters = [self._resolved(p) for p in operation.get("parameters") or []]
        required = {f"method.request.{_PLACES[p['in']]}.{p.get('name')}": bool(p.get("required"))
                    for p in parameters if p.get("in") in _PLACES}
        if required:
            props["RequestParameters"] = required
        models = {kind: self._model(schema) for kind, schema in self._bodies(operation, parameters)}
        if models:
            props["RequestModels"] = models
        if any(set(r) & self.key_schemes for r in operation.get("security") or []
               if isinstance(r, dict)):
            props["ApiKeyRequired"] = True
        return props

    def _resolved(self, node: Any) -> dict[str, Any]:
        ref = node.get("$ref") if isinstance(node, dict) else None
        found = pointer(self.spec, ref) if isinstance(ref, str) else node
        return found if isinstance(found, dict) else {}

    def _bodies(self, operation: dict[str, Any], parameters: list[dict[str, Any]]
                ) -> list[tuple[str, Any]]:
        """(content type, schema) of the request body: Swagger 2's `in: body` parameter,
        OpenAPI 3's requestBody."""
        body = next((p for p in parameters if p.get("in") == "body"), None)
        if body is not None and isinstance(body.get("schema"), dict):
            kinds = operation.get("consumes") or self.spec.get("consumes") or ["application/json"]
            return [(str(kind), body["schema"]) for kind in kinds]
        content = _mapping(self._resolved(operation.get("requestBody")).get("content"))
        return [(kind, media["schema"]) for kind, media in sorted(content.items())
                if isinstance(media, dict) and isinstance(media.get("schema"), dict)]

    def _model(self, schema: dict[str, Any]) -> str:
        """The name of the Model for `schema`: its definition's, else a Model made for it."""
        ref = schema.get("$ref")
        name = ref.rsplit("/", 1)[-1] if isinstance(ref, str) and ref.startswith("#/") \
            else _id("Model", "", repr(sorted(schema.items(), key=str)))
        logical = _id(self.api, "Model", name)
        if logical not in self.resources:
            target = pointer(self.spec, ref) if isinstance(ref, str) else schema
            shared = _shared(self.spec)
            self.resources[logical] = {"Type": "AWS::ApiGateway::Model", "Properties": {
                "RestApiId": {"Ref": self.api}, "Name": name, "ContentType": "application/json",
                "Schema": {**shared, **(target if isinstance(target, dict) else {})}}}
        return name


def _shared(spec: dict[str, Any]) -> dict[str, Any]:
    """The document's schemas, for a model's `$ref`s to the others to resolve."""
    if "definitions" in spec:
        return {"definitions": spec["definitions"]}
    schemas = _mapping(spec.get("components")).get("schemas")
    return {"components": {"schemas": schemas}} if schemas else {}


def _mapping(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}
