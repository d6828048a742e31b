"""HTTP API Lambda proxy payloads: format 2.0 (event and the response rules: no statusCode
means 200 with the whole answer as JSON body) and format 1.0 (the REST API event, with
version "1.0")."""
from __future__ import annotations

import base64
import json
import time
from dataclasses import dataclass
from typing import Any

from ws.local.apigw import proxyevent
from ws.local.apigw.request import ApiRequest, ApiResponse
from ws.local.apigw.routing import Deployed, Route


@dataclass(frozen=True)
class Call:
    """One request to an HTTP API, resolved: the API, stage, route and where it lives."""

    request: ApiRequest
    api: Any
    stage: Any
    route: Any
    params: dict[str, str]
    path: str  # after the stage
    account_id: str
    region: str

    @property
    def stage_name(self) -> str:
        return self.stage.name

    @property
    def raw_path(self) -> str:
        return self.path if self.stage_name == "$default" else f"/{self.stage_name}{self.path}"


def event_v2(call: Call, authorizer: dict[str, Any] | None) -> dict[str, Any]:
    request = call.request
    headers: dict[str, str] = {}
    for key, value in request.headers:
        if key.lower() != "cookie":
            headers[key.lower()] = f"{headers[key.lower()]},{value}" \
                if key.lower() in headers else value
    query: dict[str, str] = {}
    for key, value in request.query:
        query[key] = f"{query[key]},{value}" if key in query else value
    cookies = [c.strip() for c in (request.header("Cookie") or "").split(";") if c.strip()]
    body, encoded = _body(request)
    event = {
        "version": "2.0", "routeKey": call.route.route_key, "rawPath": call.raw_path,
        "rawQueryString": "&".join(f"{k}={v}" for k, v in request.query),
        "headers": headers, "requestContext": _context(call, authorizer),
        "isBase64Encoded": encoded,
    }
    optional = {"cookies": cookies, "queryStringParameters": query,
                "pathParameters": call.params,
                "stageVariables": dict(call.stage.stage_variables or {}), "body": body}
    event.update({k: v for k, v in optional.items() if v})
    return event


def _context(call: Call, authorizer: dict[str, Any] | None) -> dict[str, Any]:
    now = time.time()
    request = call.request
    context = {
        "accountId": call.account_id, "apiId": call.api.api_id,
        "domainName": f"{call.api.api_id}.execute-api.{call.region}.amazonaws.com",
        "domainPrefix": call.api.api_id,
        "http": {"method": request.method, "path": call.raw_path, "protocol": "HTTP/1.1",
                 "sourceIp": request.source_ip, "userAgent": request.header("User-Agent") or ""},
        "requestId": request.request_id, "routeKey": call.route.route_key,
        "stage": call.stage_name,
        "time": time.strftime("%d/%b/%Y:%H:%M:%S +0000", time.gmtime(now)),
        "timeEpoch": int(now * 1000),
    }
    if authorizer:
        context["authorizer"] = authorizer
    return context


def _body(request: ApiRequest) -> tuple[str | None, bool]:
    if not request.body:
        return None, False
    try:
        return request.body.decode("utf-8"), False
    except UnicodeDecodeError:
        return base64.b64encode(request.body).decode(), True


def response_v2(payload: bytes) -> ApiResponse:
    """The HTTP response for a format 2.0 answer; MalformedResponse if it cannot be one."""
    try:
        answer = json.loads(payload)
    except ValueError:
        raise proxyevent.MalformedResponse("not JSON") from None
    if not isinstance(answer, dict) or "statusCode" not in answer:
        return ApiResponse(200, (("Content-Type", "application/json"),), payload)
    cookies = answer.pop("cookies", None) or []
    response = proxyevent.response(json.dumps(answer).encode())
    return ApiResponse(response.status, response.headers + tuple(
        ("Set-Cookie", str(c)) for c in cookies), response.body)


def event_v1(call: Call, authorizer: dict[str, Any] | None) -> dict[str, Any]:
    """The format 1.0 event: the REST API proxy event, version "1.0"."""
    resource = _Resource(call.route.route_id, call.route.route_key.partition(" ")[2] or "/")
    deployed = Deployed(call.api, _Stage(call.stage.stage_variables), call.account_id,
                        call.region)
    request = call.request
    staged = ApiRequest(request.api_id, call.stage_name, request.method, call.path,
                        request.query, request.headers, request.body, request.source_ip,
                        request.request_id, request.raw_target, request.caller)
    event = proxyevent.event(staged, deployed, Route(resource, None, call.params), authorizer)
    event["version"] = "1.0"
    event["requestContext"]["routeKey"] = call.route.route_key
    return event


@dataclass(frozen=True)
class _Resource:
    id: str
    path: str

    def get_path(self) -> str:
        return self.path


@dataclass(frozen=True)
class _Stage:
    variables: dict[str, str] | None
