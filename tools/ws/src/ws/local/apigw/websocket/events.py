"""The Lambda proxy events of a WebSocket API, as AWS sends them: CONNECT (with the opening
request's headers and query), MESSAGE (the body, base64 for a binary frame) and DISCONNECT
(the close code)."""
from __future__ import annotations

import base64
import time
import uuid
from typing import Any

from ws.local.apigw.websocket.connections import Connection
from ws.local.apigw.websocket.routes import CONNECT, DISCONNECT, Deployed


def context(connection: Connection, deployed: Deployed, route_key: str, event_type: str,
            request_id: str) -> dict[str, Any]:
    """requestContext (also $context of a mapping template)."""
    now = time.time()
    found = {
        "routeKey": route_key, "eventType": event_type, "extendedRequestId": request_id,
        "requestTime": time.strftime("%d/%b/%Y:%H:%M:%S +0000", time.gmtime(now)),
        "messageDirection": "IN", "stage": deployed.stage,
        "connectedAt": int(connection.connected_at * 1000),
        "requestTimeEpoch": int(now * 1000),
        "identity": {**(connection.identity or {}), "sourceIp": connection.source_ip,
                     "userAgent": connection.user_agent},
        "requestId": request_id, "domainName": deployed.domain,
        "connectionId": connection.connection_id, "apiId": deployed.api_id,
    }
    if connection.authorizer is not None:
        found["authorizer"] = dict(connection.authorizer)
    return found


def connect(connection: Connection, deployed: Deployed, headers: list[tuple[str, str]],
            query: list[tuple[str, str]], request_id: str) -> dict[str, Any]:
    event: dict[str, Any] = {
        **_headers(headers),
        "requestContext": context(connection, deployed, CONNECT, "CONNECT", request_id),
        "isBase64Encoded": False}
    if query:
        event["queryStringParameters"] = {k: v for k, v in query}
        event["multiValueQueryStringParameters"] = _multi(query)
    return event


def message(connection: Connection, deployed: Deployed, route_key: str, body: str | bytes,
            request_id: str) -> dict[str, Any]:
    encoded = isinstance(body, bytes)
    request = context(connection, deployed, route_key, "MESSAGE", request_id)
    request["messageId"] = base64.b64encode(uuid.uuid4().bytes[:10]).decode()
    return {"requestContext": request,
            "body": base64.b64encode(body).decode() if isinstance(body, bytes) else body,
            "isBase64Encoded": encoded}


def disconnect(connection: Connection, deployed: Deployed, code: int,
               request_id: str) -> dict[str, Any]:
    request = context(connection, deployed, DISCONNECT, "DISCONNECT", request_id)
    request.update(disconnectStatusCode=code, disconnectReason="")
    headers = [("Host", deployed.domain), ("x-api-key", ""),
               ("X-Forwarded-For", connection.source_ip), ("x-restapi", "")]
    return {**_headers(headers), "requestContext": request, "isBase64Encoded": False}


def _headers(headers: list[tuple[str, str]]) -> dict[str, Any]:
    return {"headers": {k: v for k, v in headers}, "multiValueHeaders": _multi(headers)}


def _multi(pairs: list[tuple[str, str]]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for key, value in pairs:
        found.setdefault(key, []).append(value)
    return found
