"""Run a WebSocket route's integration: a Lambda proxy (AWS_PROXY) with the event as AWS sends
it, or an AWS integration (a service action or a Lambda custom integration) with the request
template the TemplateSelectionExpression picks. Other types raise Unsupported."""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from ws.local.apigw import vtl
from ws.local.apigw.awsintegration import ServiceCall, ServiceCaller
from ws.local.apigw.lambdas import Invoker, function_arn
from ws.local.apigw.mapping import Unsupported
from ws.local.apigw.websocket.routes import Deployed

_URI = re.compile(r"arn:[a-z-]+:apigateway:(?P<region>[a-z0-9-]+):(?P<service>[a-z0-9.-]+):"
                  r"(?P<kind>path|action)/(?P<rest>.*)$")


@dataclass(frozen=True)
class Answer:
    """The integration's status and the body a two-way route sends back (None: nothing)."""

    status: int
    body: bytes | None = None
    headers: tuple[tuple[str, str], ...] = ()

    def header(self, name: str) -> str | None:
        return next((v for k, v in self.headers if k.lower() == name.lower()), None)


class FunctionError(LookupError):
    """The function raised (API Gateway answers 502 on $connect)."""


@dataclass(frozen=True)
class Call:
    """One route invocation: the event (proxy) and the $context (templates) it carries."""

    deployed: Deployed
    route: Any
    event: dict[str, Any]
    body: str | bytes = ""


def run(call: Call, invoker: Invoker, services: ServiceCaller | None) -> Answer:
    """The answer of `call.route`'s integration (LookupError when it names none)."""
    target = (call.route.target or "").removeprefix("integrations/")
    integration = call.deployed.api.integrations.get(target)
    if integration is None:
        raise LookupError(f"route {call.route.route_key} has no integration ({target!r})")
    kind = str(integration.integration_type or "").upper()
    if kind == "AWS_PROXY":
        return _proxy(call, integration, invoker)
    if kind == "AWS":
        return _aws(call, integration, invoker, services)
    raise Unsupported(f"integration type {kind} on WebSocket route {call.route.route_key}")


def _proxy(call: Call, integration: Any, invoker: Invoker) -> Answer:
    uri = integration.integration_uri or ""
    arn = uri if uri.startswith("arn:aws:lambda:") else function_arn(uri)
    answer = invoker(arn, json.dumps(call.event).encode())
    if answer.error:
        raise FunctionError(f"function error {answer.error}: {answer.payload[:500]!r}")
    try:
        result = json.loads(answer.payload or b"null")
    except ValueError:
        return Answer(200, answer.payload)
    if isinstance(result, dict) and "statusCode" in result:
        body = result.get("body")
        headers = tuple((str(k), str(v)) for k, v in (result.get("headers") or {}).items())
        return Answer(int(result["statusCode"]), None if body is None else _bytes(body),
                      headers)
    return Answer(200, None if result is None else answer.payload)


def _aws(call: Call, integration: Any, invoker: Invoker,
         services: ServiceCaller | None) -> Answer:
    uri = integration.integration_uri or ""
    parts = _URI.match(uri)
    if parts is None:
        raise Unsupported(f"AWS integration URI {uri!r}")
    body = _request_body(call, integration).encode()
    if parts["service"] == "lambda" and parts["kind"] == "path":
        answer = invoker(function_arn(uri), body)
        return Answer(500 if answer.error else 200, answer.payload)
    if services is None:
        raise Unsupported("AWS service integrations need the endpoint's services")
    headers = tuple(_request_headers(integration, call))
    status, _, data = services(ServiceCall(
        parts["region"], parts["service"], parts["kind"], parts["rest"],
        (integration.integration_method or "POST").upper(), body, headers))
    return Answer(status, data)


def _request_body(call: Call, integration: Any) -> str:
    """The request template TemplateSelectionExpression picks, rendered; else the body."""
    templates = integration.request_templates or {}
    key = (integration.template_selection_expression or "$default").replace("\\", "")
    template = templates.get(key, templates.get("$default"))
    text = call.body.decode("utf-8", "replace") if isinstance(call.body, bytes) else call.body
    if template is None:
        return text
    params = {"path": {}, "querystring": dict(call.event.get("queryStringParameters") or {}),
              "header": dict(call.event.get("headers") or {})}  # $connect's request
    variables = {"input": vtl.Input(text, params),
                 "context": vtl.java(call.event["requestContext"]), "util": vtl.Util(),
                 "stageVariables": call.deployed.stage_variables()}
    return vtl.render(template, variables)


def _request_headers(integration: Any, call: Call) -> list[tuple[str, str]]:
    """integration.request.header.X from a 'static value' or a context variable."""
    found = []
    for name, source in (integration.request_parameters or {}).items():
        if not name.startswith("integration.request.header."):
            continue
        source = str(source)
        if source.startswith("'") and source.endswith("'"):
            value = source[1:-1]
        else:
            value = str(call.event["requestContext"].get(source.removeprefix("context."), ""))
        found.append((name.removeprefix("integration.request.header."), value))
    return found


def _bytes(body: Any) -> bytes:
    return (body if isinstance(body, str) else json.dumps(body)).encode()
