"""The request side of non-proxy integrations: the variables a mapping template sees, and the
integration request body (the template chosen by Content-Type, or the passthrough)."""
from __future__ import annotations

from typing import Any

from ws.local.apigw import proxyevent, vtl
from ws.local.apigw.request import ApiRequest
from ws.local.apigw.routing import Deployed, Route

JSON = "application/json"


class UnsupportedMediaType(Exception):
    """No template for the request's Content-Type and the passthrough behaviour refuses it."""


def variables(request: ApiRequest, deployed: Deployed, route: Route,
              authorizer: dict[str, Any] | None) -> dict[str, Any]:
    """$input (the method request), $context, $stageVariables and $util."""
    params = {"path": dict(route.params), "querystring": dict(request.query),
              "header": {k: v for k, v in request.headers}}
    context = proxyevent.context(request, deployed, route, authorizer)
    context["responseOverride"] = {"status": None, "header": {}}
    context["requestOverride"] = {"header": {}, "querystring": {}, "path": {}}
    return {"input": vtl.Input(request.body.decode("utf-8", "replace"), params),
            "context": vtl.java(context), "util": vtl.Util(),
            "stageVariables": dict(deployed.stage.variables or {})}


def with_body(variables: dict[str, Any], body: bytes) -> dict[str, Any]:
    """The variables a response template sees: $input is the integration's response."""
    return {**variables, "input": vtl.Input(body.decode("utf-8", "replace"),
                                            variables["input"].params())}


def request_body(integration: Any, request: ApiRequest, variables: dict[str, Any]) -> bytes:
    """The integration request's body: the template for the Content-Type rendered, or the
    method request's body passed through (UnsupportedMediaType where API Gateway says 415)."""
    templates = integration.request_templates or {}
    kind = (request.header("Content-Type") or JSON).split(";")[0].strip().lower()
    template = next((t for k, t in templates.items() if k.lower() == kind), None)
    behaviour = (getattr(integration, "passthrough_behaviour", None) or "WHEN_NO_MATCH").upper()
    if template is None:
        if behaviour == "NEVER" or (behaviour == "WHEN_NO_TEMPLATES" and templates):
            raise UnsupportedMediaType(kind)
        if behaviour == "WHEN_NO_MATCH" and templates and request.header("Content-Type") is None:
            template = templates.get(JSON)  # no Content-Type: application/json is assumed
        if template is None:
            return request.body
    return vtl.render(template, variables).encode()


def response_template(templates: dict[str, str] | None, accept: str | None) -> tuple[str, str]:
    """(content type, template) of an integration response, by the request's Accept header
    (application/json when it names none of them), ("", "") when there are none."""
    if not templates:
        return "", ""
    for kind in [a.split(";")[0].strip().lower() for a in (accept or "").split(",")]:
        for key, value in templates.items():
            if key.lower() == kind:
                return key, value
    if JSON in templates:
        return JSON, templates[JSON]
    key = sorted(templates)[0]
    return key, templates[key]
