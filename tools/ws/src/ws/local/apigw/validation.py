"""A REST API method's request validator: required request parameters (query string,
header, path) and the body against the method's model (a JSON schema, draft 4), checked
before the integration runs. A failing request answers 400, as API Gateway does."""
from __future__ import annotations

import json
import logging
import re
from typing import Any

import jsonschema
from referencing import Registry, Resource
from referencing.exceptions import NoSuchResource, Unresolvable
from referencing.jsonschema import DRAFT4

from ws.local.apigw.request import ApiRequest
from ws.local.apigw.routing import Deployed, Route

log = logging.getLogger(__name__)
_MODEL_URL = re.compile(r"^https://apigateway\.amazonaws\.com/restapis/[^/]+/models/([^/#]+)")
_PLACES = {"querystring": "query", "header": "header", "path": "path"}


def problem(request: ApiRequest, deployed: Deployed, route: Route) -> str | None:
    """The 400 message API Gateway answers `request` with, or None when it passes."""
    method = route.method
    validator = deployed.api.request_validators.get(method.request_validator_id or "")
    if validator is None:
        return None
    if is_true(validator.validate_request_parameters):
        missing = missing_parameters(request, route)
        if missing:
            return f"Missing required request parameters: [{', '.join(missing)}]"
    if is_true(validator.validate_request_body) and not body_valid(request, deployed, route):
        return "Invalid request body"
    return None


def is_true(value: Any) -> bool:
    """A template's boolean, which may arrive as the text "true" or "false"."""
    return value is True or str(value).lower() == "true"


def missing_parameters(request: ApiRequest, route: Route) -> list[str]:
    """The names of the method's required parameters the request lacks or leaves blank."""
    missing = []
    for key, required in sorted((route.method.request_parameters or {}).items()):
        parts = key.split(".")
        if not is_true(required) or len(parts) != 4 or parts[2] not in _PLACES:
            continue
        if not _value(request, route, _PLACES[parts[2]], parts[3]).strip():
            missing.append(parts[3])
    return missing


def _value(request: ApiRequest, route: Route, place: str, name: str) -> str:
    if place == "header":
        return request.header(name) or ""
    if place == "path":
        return route.params.get(name, "")
    return next((v for k, v in request.query if k == name), "")


def body_valid(request: ApiRequest, deployed: Deployed, route: Route) -> bool:
    """Whether the body matches the model for its content type (or `$default`); True when
    the method has no such model."""
    models = route.method.request_models or {}
    kind = (request.header("Content-Type") or "application/json").split(";")[0].strip()
    name = models.get(kind.lower()) or models.get("$default")
    model = deployed.api.models.get(name or "")
    if model is None or not model.schema:
        return True
    try:
        body = json.loads(request.body or b"{}")
    except ValueError:
        return False
    try:
        return jsonschema.Draft4Validator(_schema(model.schema),
                                          registry=_registry(deployed.api)).is_valid(body)
    except (ValueError, jsonschema.SchemaError, Unresolvable) as exc:
        log.warning("model %s of %s %s is not a usable schema: %s", name, request.method,
                    route.resource_path, exc)
        return True


def _schema(text: Any) -> Any:
    return json.loads(text) if isinstance(text, str) else text


def _registry(api: Any) -> Registry:
    """Resolves `$ref`s to the API's other models by their API Gateway URL."""

    def retrieve(uri: str) -> Resource:
        found = _MODEL_URL.match(uri)
        model = api.models.get(found.group(1)) if found else None
        if model is None or not model.schema:
            raise NoSuchResource(ref=uri)
        return Resource.from_contents(_schema(model.schema),
                                      default_specification=DRAFT4)

    return Registry(retrieve=retrieve)  # type: ignore[call-arg]

