"""The Lambda proxy integration's formats (REST API, version 1.0): the event a function gets
and the response it must return (anything else is a malformed response: 502)."""
from __future__ import annotations

import base64
import fnmatch
import json
import time
from typing import Any

from ws.local.apigw.request import ApiRequest, ApiResponse
from ws.local.apigw.routing import Deployed, Route

_RESPONSE_KEYS = {"statusCode", "headers", "multiValueHeaders", "body", "isBase64Encoded",
                  "cookies"}


class MalformedResponse(ValueError):
    """A function's answer that API Gateway would reject ("Malformed Lambda proxy response")."""


def event(request: ApiRequest, deployed: Deployed, route: Route,
          authorizer: dict[str, Any] | None) -> dict[str, Any]:
    """The proxy event API Gateway sends for `request`."""
    body, encoded = _body(request, deployed.api)
    return {
        "resource": route.resource_path,
        "path": request.path,
        "httpMethod": request.method,
        "headers": _single(request.headers),
        "multiValueHeaders": _multi(request.headers),
        "queryStringParameters": _single(request.query),
        "multiValueQueryStringParameters": _multi(request.query),
        "pathParameters": route.params or None,
        "stageVariables": dict(deployed.stage.variables or {}) or None,
        "requestContext": context(request, deployed, route, authorizer),
        "body": body,
        "isBase64Encoded": encoded,
    }


def _single(pairs: tuple[tuple[str, str], ...]) -> dict[str, str] | None:
    """The last value of each key, or None when there are none (as API Gateway sends)."""
    return {k: v for k, v in pairs} or None


def _multi(pairs: tuple[tuple[str, str], ...]) -> dict[str, list[str]] | None:
    result: dict[str, list[str]] = {}
    for key, value in pairs:
        result.setdefault(key, []).append(value)
    return result or None


def _body(request: ApiRequest, api: Any) -> tuple[str | None, bool]:
    """Text bodies as they are; binary media types (the API's) and non-UTF-8 as base64."""
    if not request.body:
        return None, False
    kind = (request.header("Content-Type") or "").split(";")[0].strip()
    binary = any(fnmatch.fnmatch(kind, pattern)
                 for pattern in getattr(api, "binaryMediaTypes", None) or [])
    if not binary:
        try:
            return request.body.decode("utf-8"), False
        except UnicodeDecodeError:
            pass
    return base64.b64encode(request.body).decode(), True


def context(request: ApiRequest, deployed: Deployed, route: Route,
             authorizer: dict[str, Any] | None) -> dict[str, Any]:
    """requestContext (and a mapping template's $context)."""
    now = time.time()
    context = {
        "resourceId": route.resource.id,
        "resourcePath": route.resource_path,
        "httpMethod": request.method,
        "extendedRequestId": request.request_id,
        "requestTime": time.strftime("%d/%b/%Y:%H:%M:%S +0000", time.gmtime(now)),
        "path": f"/{request.stage}{request.path}",
        "accountId": deployed.account_id,
        "protocol": "HTTP/1.1",
        "stage": request.stage,
        "domainPrefix": request.api_id,
        "requestTimeEpoch": int(now * 1000),
        "requestId": request.request_id,
        "identity": _identity(request),
        "domainName": f"{request.api_id}.execute-api.{deployed.region}.amazonaws.com",
        "apiId": request.api_id,
    }
    if authorizer is not None:
        context["authorizer"] = authorizer
    return context


def _identity(request: ApiRequest) -> dict[str, Any]:
    keys = ("cognitoIdentityPoolId", "accountId", "cognitoIdentityId", "caller",
            "principalOrgId", "accessKey", "cognitoAuthenticationType",
            "cognitoAuthenticationProvider", "userArn", "user")
    return {**dict.fromkeys(keys), **(request.caller or {}), "sourceIp": request.source_ip,
            "userAgent": request.header("User-Agent")}


def response(payload: bytes) -> ApiResponse:
    """The HTTP response a function's proxy answer stands for; MalformedResponse if invalid."""
    try:
        answer = json.loads(payload)
    except ValueError:
        raise MalformedResponse("not JSON") from None
    if not isinstance(answer, dict):
        raise MalformedResponse("not a JSON object")
    unknown = set(answer) - _RESPONSE_KEYS
    if unknown:
        raise MalformedResponse(f"unknown keys {sorted(unknown)}")
    headers = _headers(answer)
    return ApiResponse(_status(answer.get("statusCode")), headers, _payload(answer))


STREAM_DELIMITER = b"\x00" * 8  # after the metadata a streaming function writes first


def streamed_response(payload: bytes) -> ApiResponse:
    """A streaming function's answer (ResponseTransferMode STREAM): a JSON prelude (status,
    headers, cookies) and eight NUL bytes before the body; without them, 200 and the bytes."""
    prelude, found, body = payload.partition(STREAM_DELIMITER)
    if not found:
        return ApiResponse(200, (("Content-Type", "application/octet-stream"),), payload)
    try:
        answer = json.loads(prelude or b"{}")
    except ValueError:
        raise MalformedResponse("the stream's prelude is not JSON") from None
    if not isinstance(answer, dict):
        raise MalformedResponse("the stream's prelude is not a JSON object")
    headers = _headers({k: v for k, v in answer.items() if k != "cookies"})
    cookies = tuple(("Set-Cookie", _text(c)) for c in answer.get("cookies") or [])
    return ApiResponse(_status(answer.get("statusCode", 200)), headers + cookies, body)


def _status(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, str)) \
            or not str(value).isdigit() or not 100 <= int(value) <= 599:
        raise MalformedResponse(f"bad statusCode {value!r}")
    return int(value)


def _headers(answer: dict[str, Any]) -> tuple[tuple[str, str], ...]:
    single = answer.get("headers") or {}
    multi = answer.get("multiValueHeaders") or {}
    if not isinstance(single, dict) or not isinstance(multi, dict) or \
            not all(isinstance(v, list) for v in multi.values()):
        raise MalformedResponse("bad headers")
    pairs = [(k, _text(v)) for k, vs in multi.items() for v in vs]
    pairs += [(k, _text(v)) for k, v in single.items() if k not in multi]
    if not any(k.lower() == "content-type" for k, _ in pairs):
        pairs.append(("Content-Type", "application/json"))
    return tuple(pairs)


def _text(value: Any) -> str:
    if isinstance(value, (dict, list)) or value is None:
        raise MalformedResponse(f"bad header value {value!r}")
    return str(value).lower() if isinstance(value, bool) else str(value)


def _payload(answer: dict[str, Any]) -> bytes:
    body = answer.get("body")
    if body is None:
        return b""
    if not isinstance(body, str):
        raise MalformedResponse("body is not a string")
    if answer.get("isBase64Encoded") is True:
        try:
            return base64.b64decode(body, validate=True)
        except ValueError:
            raise MalformedResponse("body is not base64") from None
    return body.encode("utf-8")
