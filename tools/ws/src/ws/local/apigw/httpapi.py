"""Serve one request to an HTTP API (API Gateway v2): stage, CORS, route, authorizer, and its
integration (Lambda proxy, payload 1.0 or 2.0; AWS service subtypes; HTTP_PROXY). Errors
answer as HTTP APIs do: 404 Not Found, 401/403, 500 Internal Server Error (a failing
function too)."""
from __future__ import annotations

import json
import logging
import re
import time
import urllib.parse
import urllib.request
from typing import Any, Callable

from ws.local.apigw import (httpauth, httpcors, httpevent, httproutes, httpservices,
                            integrations, proxyevent, vpclinks)
from ws.local.apigw.hops import Unreachable
from ws.local.apigw.awsintegration import ServiceCaller
from ws.local.apigw.lambdas import Invoker, UnknownFunction, function_arn
from ws.local.apigw.request import ApiRequest, ApiResponse
from ws.local.urls import served_here

log = logging.getLogger(__name__)


def _message(status: int, text: str) -> ApiResponse:
    return ApiResponse(status, (("Content-Type", "application/json"),),
                       json.dumps({"message": text}).encode())


def serve(request: ApiRequest, found: tuple[Any, str, str], invoker: Invoker,
          clock: Callable[[], float] = time.time,
          services: ServiceCaller | None = None) -> ApiResponse:
    api, account_id, region = found
    if (api.protocol_type or "HTTP").upper() != "HTTP":
        return _message(501, f"{api.protocol_type} API {api.api_id}: not served locally")
    staged = httproutes.find_stage(api, request.stage, request.path)
    if staged is None:
        return _message(404, "Not Found")
    stage, path = staged
    cors = httpcors.config(api)
    if cors is not None and httpcors.is_preflight(request):
        return httpcors.preflight(cors, request)
    route = httproutes.match(api, request.method, path)
    if route is None:
        return httpcors.decorate(cors, request, _message(404, "Not Found"))
    call = httpevent.Call(request, api, stage, route.route, route.params, path, account_id,
                          region)
    return httpcors.decorate(cors, request, _authorized(call, invoker, clock, services))


def _authorized(call: httpevent.Call, invoker: Invoker, clock: Callable[[], float],
                services: ServiceCaller | None) -> ApiResponse:
    try:
        authorizer = httpauth.authorize(call, invoker, clock)
    except httpauth.Refused as refused:
        return _message(refused.status, str(refused))
    except (LookupError, UnknownFunction) as exc:
        log.warning("%s %s: %s", call.request.method, call.path, exc)
        return _message(500, "Internal Server Error")
    try:
        return _integrate(call, authorizer, invoker, services)
    except (LookupError, UnknownFunction, proxyevent.MalformedResponse) as exc:
        log.warning("%s %s: %s", call.request.method, call.path, exc)
        return _message(500, "Internal Server Error")


def _integrate(call: httpevent.Call, authorizer: dict[str, Any] | None, invoker: Invoker,
               services: ServiceCaller | None) -> ApiResponse:
    target = (call.route.target or "").removeprefix("integrations/")
    integration = call.api.integrations.get(target)
    if integration is None:
        raise LookupError(f"route {call.route.route_key} has no integration ({target!r})")
    kind = (integration.integration_type or "").upper()
    if kind == "AWS_PROXY" and integration.integration_subtype:
        return httpservices.run(call, integration, services)
    if kind == "AWS_PROXY":
        return _lambda(call, integration, authorizer, invoker)
    if kind == "HTTP_PROXY":
        return _http(call, integration, invoker)
    raise LookupError(f"integration type {kind} {integration.integration_subtype or ''}"
                      " is not served locally for HTTP APIs")


def _lambda(call: httpevent.Call, integration: Any, authorizer: dict[str, Any] | None,
            invoker: Invoker) -> ApiResponse:
    uri = integration.integration_uri or ""
    arn = uri if uri.startswith("arn:aws:lambda:") else function_arn(uri)
    v2 = str(integration.payload_format_version or "2.0") == "2.0"
    event = httpevent.event_v2(call, authorizer) if v2 else httpevent.event_v1(call, authorizer)
    answer = invoker(arn, json.dumps(event).encode())
    if answer.error:
        log.warning("%s %s: function error %s: %s", call.request.method, call.path,
                    answer.error, answer.payload[:500])
        return _message(500, "Internal Server Error")
    return httpevent.response_v2(answer.payload) if v2 else proxyevent.response(answer.payload)


def _http(call: httpevent.Call, integration: Any, invoker: Invoker) -> ApiResponse:
    if vpclinks.is_private(integration):
        return _private(call, integration, invoker)
    values = dict(call.params)
    url = re.sub(r"\{([A-Za-z0-9_]+)\+?\}",
                 lambda m: urllib.parse.quote(values.get(m[1], ""), safe="/"),
                 integration.integration_uri or "")
    if call.request.query:
        url += ("&" if "?" in url else "?") + urllib.parse.urlencode(call.request.query)
    port = next((v for k, v in call.request.headers if k == "X-Forwarded-Port"), "")
    url = served_here(url, port)  # an AppSync API of this endpoint: answered here
    method = integration.integration_method or "ANY"
    headers = {k: v for k, v in call.request.headers
               if k.lower() not in integrations.HOP_BY_HOP}
    outgoing = urllib.request.Request(url, data=call.request.body or None, headers=headers,
                                      method=call.request.method if method == "ANY" else method)
    timeout = int(integration.timeout_in_millis or 30000) / 1000
    try:
        status, answer_headers, body = integrations.fetch(outgoing, timeout)
    except OSError as exc:
        log.warning("%s %s: HTTP integration %s failed: %s", call.request.method, call.path,
                    url, exc)
        return _message(500, "Internal Server Error")
    return ApiResponse(status, answer_headers, body)


def _private(call: httpevent.Call, integration: Any, invoker: Invoker) -> ApiResponse:
    """Through a VPC link to the listener the integration names: the request's own path."""
    path = call.path if call.stage_name == "$default" else f"/{call.stage_name}{call.path}"
    query = f"?{urllib.parse.urlencode(call.request.query)}" if call.request.query else ""
    headers = {k: v for k, v in call.request.headers
               if k.lower() not in integrations.HOP_BY_HOP}
    method = integration.integration_method or "ANY"
    outgoing = urllib.request.Request(
        f"http://vpc-link{path}{query}", data=call.request.body or None, headers=headers,
        method=call.request.method if method == "ANY" else method)
    timeout = int(integration.timeout_in_millis or 30000) / 1000
    try:
        where = vpclinks.http_destination(integration.integration_uri or "", path)
        return vpclinks.send(outgoing, where, timeout, invoker, integrations.fetch)
    except Unreachable as exc:
        return _message(503, str(exc))
    except OSError as exc:
        log.warning("%s %s: private integration failed: %s", call.request.method, call.path, exc)
        return _message(500, "Internal Server Error")
