"""The AWS integration (non-proxy): a Lambda custom integration, or a service action (SQS,
DynamoDB, Step Functions, S3...) called on the endpoint's own moto backends, both with the
method's mapping templates on the way in and its integration responses on the way out."""
from __future__ import annotations

import json
import re
import threading
from dataclasses import dataclass
from typing import Any, Callable

from ws.local.apigw import mapping, templating
from ws.local.apigw.lambdas import Invoker, function_arn
from ws.local.apigw.request import ApiRequest, ApiResponse
from ws.local.apigw.routing import Deployed, Route

_URI = re.compile(r"arn:[a-z-]+:apigateway:(?P<region>[a-z0-9-]+):(?P<service>[a-z0-9.-]+):"
                  r"(?P<kind>path|action)/(?P<rest>.*)$")


@dataclass(frozen=True)
class ServiceCall:
    """One service request an integration makes: `target` is the action name (kind "action")
    or the path after the service's host (kind "path")."""

    region: str
    service: str
    kind: str
    target: str
    method: str
    body: bytes
    headers: tuple[tuple[str, str], ...] = ()
    query: tuple[tuple[str, str], ...] = ()
    protocol: str | None = None  # "json": a JSON body whatever API Gateway's REST default


ServiceCaller = Callable[[ServiceCall], tuple[int, tuple[tuple[str, str], ...], bytes]]


def run(request: ApiRequest, deployed: Deployed, route: Route, variables: dict[str, Any],
        invoker: Invoker, services: ServiceCaller | None) -> ApiResponse:
    integration = route.method.method_integration
    uri = mapping.with_stage_variables(integration.uri, deployed.stage.variables)
    parts = _URI.match(uri)
    if parts is None:
        raise mapping.Unsupported(f"AWS integration URI {uri!r}")
    body = templating.request_body(integration, request, variables)
    if parts["service"] == "lambda" and parts["kind"] == "path":
        return _lambda(integration, request, route, function_arn(uri), body, variables, invoker)
    if services is None:
        raise mapping.Unsupported("AWS service integrations need the endpoint's services")
    call = _call(parts, integration, request, route, body)
    status, headers, answer = services(call)
    return mapping.integration_response(integration, status, answer, variables, str(status),
                                        headers)


def _lambda(integration: Any, request: ApiRequest, route: Route, arn: str, body: bytes,
            variables: dict[str, Any], invoker: Invoker) -> ApiResponse:
    """A Lambda custom integration: the function's answer (or errorMessage) mapped; with
    X-Amz-Invocation-Type 'Event' the function runs on its own and the answer is empty."""
    headers = mapping.integration_params(integration, request, route.params, "header")
    kind = next((v for k, v in headers.items() if k.lower() == "x-amz-invocation-type"), "")
    if kind.lower() == "event":
        threading.Thread(target=invoker, args=(arn, body), daemon=True,
                         name="ws-apigw-async-invoke").start()
        return mapping.integration_response(integration, 200, b"", variables, None)
    answer = invoker(arn, body)
    selector = _error_message(answer.payload) if answer.error else None
    return mapping.integration_response(integration, 200, answer.payload, variables, selector)


def _call(parts: Any, integration: Any, request: ApiRequest, route: Route,
          body: bytes) -> ServiceCall:
    params = {**route.params, **mapping.integration_params(integration, request, route.params,
                                                          "path")}
    target = re.sub(r"\{([A-Za-z0-9_.-]+)\+?\}", lambda m: params.get(m[1], ""), parts["rest"])
    headers = mapping.integration_params(integration, request, route.params, "header")
    query = mapping.integration_params(integration, request, route.params, "querystring")
    return ServiceCall(parts["region"], parts["service"], parts["kind"], target,
                       (integration.http_method or "POST").upper(), body,
                       tuple(headers.items()), tuple(query.items()))


def _error_message(payload: bytes) -> str:
    """What a Lambda custom integration's selection patterns match: the errorMessage."""
    try:
        answer = json.loads(payload)
    except ValueError:
        return payload.decode("utf-8", "replace")
    return str(answer.get("errorMessage", "")) if isinstance(answer, dict) else ""
