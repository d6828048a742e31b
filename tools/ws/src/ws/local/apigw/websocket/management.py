"""The @connections API of a WebSocket API stage (what boto3's apigatewaymanagementapi
sends, endpoint_url https://{api}.execute-api.{region}.amazonaws.com/{stage}):
POST sends the body to the connection, GET describes it, DELETE closes it; a connection
that is not open answers 410 GoneException."""
from __future__ import annotations

import json
import time
from typing import Any

from ws.local.apigw import replies
from ws.local.apigw.request import ApiRequest, ApiResponse
from ws.local.apigw.websocket.connections import Connection, Connections
from ws.local.apigw.websocket.wire import Gone

PREFIX = "/@connections/"
MAX_PAYLOAD = 128 * 1024  # bytes, API Gateway's limit on one message


def serve(request: ApiRequest, api: Any, connections: Connections) -> ApiResponse:
    """The answer to an HTTP request on a WebSocket API's URL."""
    if not request.path.startswith(PREFIX):
        return replies.message(426, "Upgrade Required: connect with a WebSocket client",
                               "BadRequestException")
    connection = connections.get(api.api_id, request.path[len(PREFIX):].rstrip("/"))
    if connection is None:
        return _gone()
    try:
        return _act(request, connection)
    except Gone:
        connections.remove(connection.connection_id)
        return _gone()


def _act(request: ApiRequest, connection: Connection) -> ApiResponse:
    if request.method == "POST":
        if len(request.body) > MAX_PAYLOAD:
            return replies.message(413, "Request entity too large",
                                   "PayloadTooLargeException")
        connection.link.send(request.body)
        return ApiResponse(200)
    if request.method == "GET":
        return ApiResponse(200, (("Content-Type", "application/json"),),
                           json.dumps(describe(connection)).encode())
    if request.method == "DELETE":
        connection.link.close()
        return ApiResponse(204)
    return replies.message(405, f"{request.method} is not a method of @connections",
                           "BadRequestException")


def describe(connection: Connection) -> dict[str, Any]:
    """GetConnection's answer."""
    return {"connectedAt": _iso(connection.connected_at),
            "identity": {"sourceIp": connection.source_ip,
                         "userAgent": connection.user_agent},
            "lastActiveAt": _iso(connection.last_active_at or connection.connected_at)}


def _gone() -> ApiResponse:
    return replies.message(410, "", "GoneException")


def _iso(epoch: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(epoch)) + (
        f".{int(epoch * 1000) % 1000:03d}Z")
