"""Run a method's integration: AWS_PROXY (Lambda), HTTP_PROXY, HTTP, MOCK and AWS."""
from __future__ import annotations

import json
import logging
import re
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

from ws.local.apigw import (awsintegration, mapping, proxyevent, replies, templating, vpclinks,
                            vtl)
from ws.local.apigw.awsintegration import ServiceCaller
from ws.local.apigw.lambdas import Invoker, UnknownFunction, function_arn
from ws.local.apigw.request import ApiRequest, ApiResponse
from ws.local.apigw.routing import Deployed, Route

log = logging.getLogger(__name__)

HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "te", "trailer", "upgrade",
               "proxy-authorization", "proxy-authenticate", "host", "content-length"}
_DEFAULT_TIMEOUT_MS = 29_000  # API Gateway's integration timeout


def run(request: ApiRequest, deployed: Deployed, route: Route,
        authorizer: dict[str, Any] | None, invoker: Invoker,
        services: ServiceCaller | None = None) -> ApiResponse:
    """The response of the route's integration; a gateway error when it fails."""
    integration = route.method.method_integration
    kind = (integration.integration_type or "").upper() if integration else ""
    try:
        if kind == "AWS_PROXY":
            return _lambda_proxy(request, deployed, route, authorizer, invoker)
        if kind == "HTTP_PROXY":
            return _http(request, deployed, route, None, invoker)
        variables = templating.variables(request, deployed, route, authorizer)
        if kind == "HTTP":
            return _http(request, deployed, route, variables, invoker)
        if kind == "MOCK":
            return _mock(request, route, variables)
        if kind == "AWS":
            return awsintegration.run(request, deployed, route, variables, invoker, services)
    except templating.UnsupportedMediaType:
        return replies.message(415, "Unsupported Media Type",
                               "UnsupportedMediaTypeException")
    except (mapping.Unsupported, UnknownFunction, vtl.TemplateError) as exc:
        log.warning("%s %s%s: %s", request.method, request.api_id, request.path, exc)
        return replies.internal_error()
    log.warning("%s %s%s: integration %r is not served locally", request.method,
                request.api_id, request.path, kind or None)
    return replies.internal_error()


def _lambda_proxy(request: ApiRequest, deployed: Deployed, route: Route,
                  authorizer: dict[str, Any] | None, invoker: Invoker) -> ApiResponse:
    uri = mapping.with_stage_variables(route.method.method_integration.uri,
                                       deployed.stage.variables)
    event = proxyevent.event(request, deployed, route, authorizer)
    answer = invoker(function_arn(uri), json.dumps(event).encode())
    if answer.error:
        log.warning("%s %s: function error %s: %s", request.method, request.path,
                    answer.error, answer.payload[:500])
        return replies.bad_gateway()
    try:
        if uri.endswith("/response-streaming-invocations"):
            return proxyevent.streamed_response(answer.payload)
        return proxyevent.response(answer.payload)
    except proxyevent.MalformedResponse as exc:
        log.warning("%s %s: malformed Lambda proxy response (%s)", request.method,
                    request.path, exc)
        return replies.bad_gateway()


def _mock(request: ApiRequest, route: Route, variables: dict[str, Any]) -> ApiResponse:
    """The status the request template names ({"statusCode": N}), mapped by the responses."""
    integration = route.method.method_integration
    template = templating.request_body(integration, request, variables).decode()
    try:
        status = int(json.loads(template).get("statusCode", 200)) if template.strip() else 200
    except (ValueError, AttributeError, TypeError):
        raise mapping.Unsupported(f"MOCK request template {template!r}") from None
    return mapping.integration_response(integration, status, b"", variables, str(status))


def _http(request: ApiRequest, deployed: Deployed, route: Route,
          variables: dict[str, Any] | None, invoker: Invoker) -> ApiResponse:
    """HTTP_PROXY (`variables` None) or HTTP with its templates; through a VPC link where the
    integration is private."""
    integration = route.method.method_integration
    proxy = variables is None
    url = _target_url(request, deployed, route, integration, proxy)
    verb = integration.http_method or request.method
    body = request.body if proxy else templating.request_body(integration, request, variables)
    outgoing = urllib.request.Request(url, data=body or None, method=(
        request.method if verb == "ANY" else verb), headers=_forwarded(request, proxy))
    timeout = int(integration.timeout_in_millis or _DEFAULT_TIMEOUT_MS) / 1000
    try:
        status, headers, body = _send(outgoing, timeout, integration, deployed, invoker)
    except vpclinks.Unreachable as exc:
        return replies.message(503, str(exc), "ServiceUnavailableException")
    except TimeoutError:
        return replies.timed_out()
    except OSError as exc:  # URLError included
        if isinstance(getattr(exc, "reason", None), TimeoutError):
            return replies.timed_out()
        log.warning("%s %s: HTTP integration %s failed: %s", request.method, request.path,
                    url, exc)
        return replies.internal_error()
    if variables is None:
        return ApiResponse(status, headers, body)
    return mapping.integration_response(integration, status, body, variables, str(status),
                                        headers)


def _send(outgoing: urllib.request.Request, timeout: float, integration: Any,
          deployed: Deployed, invoker: Invoker) -> tuple[int, tuple[tuple[str, str], ...], bytes]:
    if not vpclinks.is_private(integration):
        return fetch(outgoing, timeout)
    link = mapping.with_stage_variables(getattr(integration, "connection_id", None) or "",
                                        deployed.stage.variables)
    where = vpclinks.rest_destination(link, outgoing.full_url)
    answer = vpclinks.send(outgoing, where, timeout, invoker, fetch)
    return answer.status, answer.headers, answer.body


def _target_url(request: ApiRequest, deployed: Deployed, route: Route, integration: Any,
                proxy: bool) -> str:
    """The integration URI with its path parameters filled in, and the query string."""
    uri = mapping.with_stage_variables(integration.uri, deployed.stage.variables)
    values = {**route.params, **mapping.integration_params(integration, request, route.params,
                                                           "path")}
    uri = re.sub(r"\{([A-Za-z0-9_]+)\+?\}",
                 lambda m: urllib.parse.quote(values.get(m[1], ""), safe="/"), uri)
    query = list(request.query) if proxy else list(
        mapping.integration_params(integration, request, route.params, "querystring").items())
    return f"{uri}{'&' if '?' in uri else '?'}{urllib.parse.urlencode(query)}" if query else uri


def _forwarded(request: ApiRequest, proxy: bool) -> dict[str, str]:
    headers = {k: v for k, v in request.headers if k.lower() not in HOP_BY_HOP} if proxy \
        else {k: v for k, v in request.headers if k.lower() == "content-type"}
    headers["X-Forwarded-For"] = request.source_ip
    return headers


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """API Gateway hands a backend's redirect to the client; it does not follow it."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def fetch(outgoing: urllib.request.Request,
           timeout: float) -> tuple[int, tuple[tuple[str, str], ...], bytes]:
    opener = urllib.request.build_opener(_NoRedirects)
    try:
        with opener.open(outgoing, timeout=timeout) as answer:
            return answer.status, _kept(answer.headers.items()), answer.read()
    except urllib.error.HTTPError as answer:  # a 4xx/5xx (or redirect) answer is an answer
        return answer.code, _kept(answer.headers.items()), answer.read()


def _kept(headers: Any) -> tuple[tuple[str, str], ...]:
    return tuple((k, v) for k, v in headers if k.lower() not in HOP_BY_HOP)
