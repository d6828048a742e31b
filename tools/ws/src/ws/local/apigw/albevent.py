"""The event an Application Load Balancer sends a Lambda target, and the HTTP response the
function's answer stands for (as the load balancer makes it: a function error is a 502)."""
from __future__ import annotations

import base64
import json
import urllib.parse
import urllib.request
from typing import Any

from ws.local.apigw import proxyevent
from ws.local.apigw.request import ApiResponse

BAD_GATEWAY = ApiResponse(502, (("Content-Type", "text/html"),),
                          b"<html><body><h1>502 Bad Gateway</h1></body></html>")


def event(outgoing: urllib.request.Request, group_arn: str) -> dict[str, Any]:
    """The request as a load balancer hands it over (query values as sent, not decoded)."""
    parts = urllib.parse.urlsplit(outgoing.full_url)
    body = outgoing.data if isinstance(outgoing.data, bytes) else b""
    try:
        text, encoded = body.decode(), False
    except UnicodeDecodeError:
        text, encoded = base64.b64encode(body).decode(), True
    query = dict(pair.partition("=")[::2] for pair in parts.query.split("&") if pair)
    return {"requestContext": {"elb": {"targetGroupArn": group_arn}},
            "httpMethod": outgoing.get_method(), "path": parts.path or "/",
            "queryStringParameters": query,
            "headers": {k.lower(): v for k, v in outgoing.header_items()},
            "body": text, "isBase64Encoded": encoded}


def response(payload: bytes) -> ApiResponse:
    """The function's answer (`statusCode`, `statusDescription`, headers, body) as HTTP; a
    malformed one is the load balancer's 502."""
    try:
        answer = json.loads(payload)
        if isinstance(answer, dict):
            answer.pop("statusDescription", None)
        return proxyevent.response(json.dumps(answer).encode())
    except (ValueError, proxyevent.MalformedResponse):
        return BAD_GATEWAY
