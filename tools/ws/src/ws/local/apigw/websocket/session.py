"""One WebSocket connection from opening to close: the $connect route (and its authorizer)
decides whether it opens, each message runs the route it selects, and $disconnect runs once
it has closed, whoever closed it."""
from __future__ import annotations

import json
import logging
import time
import uuid
from dataclasses import dataclass
from typing import Any

from ws.local.apigw import vtl
from ws.local.apigw.awsintegration import ServiceCaller
from ws.local.apigw.lambdas import Invoker, UnknownFunction
from ws.local.apigw.mapping import Unsupported
from ws.local.apigw.websocket import authorizer, events, iam, integrate, routes
from ws.local.apigw.websocket.connections import Connection, Connections, new_id
from ws.local.apigw.websocket.wire import Gone, Wire

log = logging.getLogger(__name__)
FAILURES = (LookupError, UnknownFunction, Unsupported, vtl.TemplateError,
            NotImplementedError)  # moto lacks the service action


@dataclass(frozen=True)
class Services:
    """What sessions need from the endpoint: the registry, the function invoker and the
    caller of AWS service integrations."""

    connections: Connections
    invoker: Invoker
    services: ServiceCaller | None = None


@dataclass(frozen=True)
class Opening:
    """The opening request: its headers, query, client address, offered subprotocols and
    its target (path and query as the client sent them: what a SigV4 signature covers)."""

    headers: list[tuple[str, str]]
    query: list[tuple[str, str]]
    source_ip: str
    subprotocols: list[str]
    target: str = ""

    def header(self, name: str) -> str:
        return next((v for k, v in self.headers if k.lower() == name.lower()), "")


def serve(wire: Wire, deployed: routes.Deployed, opening: Opening, services: Services) -> None:
    """Run the connection until it closes (on the calling thread)."""
    connection = Connection(new_id(), deployed.api_id, deployed.stage, opening.source_ip,
                            opening.header("User-Agent"), time.time(), wire)
    refusal, subprotocol = _connect(connection, deployed, opening, services)
    if refusal is not None:
        wire.reject(*refusal)
        return
    wire.accept(subprotocol)
    services.connections.add(connection)
    try:
        for message in wire.messages():
            connection.last_active_at = time.time()
            _message(connection, deployed, message, services)
    finally:
        services.connections.remove(connection.connection_id)
        _disconnect(connection, deployed, wire.close_code, services)


def _connect(connection: Connection, deployed: routes.Deployed, opening: Opening,
             services: Services) -> tuple[tuple[int, bytes] | None, str | None]:
    """(None, subprotocol) when the connection opens, else ((status, body), None)."""
    route = routes.route(deployed.api, routes.CONNECT)
    if route is None:
        return None, None
    request_id = _request_id()
    event = events.connect(connection, deployed, opening.headers, opening.query, request_id)
    try:
        connection.identity = iam.authorize(deployed, route, opening)
        connection.authorizer = authorizer.authorize(deployed, route, event, services.invoker)
        event = events.connect(connection, deployed, opening.headers, opening.query,
                               request_id)
        answer = integrate.run(integrate.Call(deployed, route, event), services.invoker,
                               services.services)
    except authorizer.Refused as refused:
        return (refused.status, _message_body(str(refused))), None
    except Exception as exc:  # noqa: BLE001 - refused, not left hanging
        _failed(deployed, routes.CONNECT, exc)
        status = 502 if isinstance(exc, integrate.FunctionError) else 500
        return (status, _message_body("Internal server error")), None
    if not 200 <= answer.status < 300:
        return (answer.status, answer.body or b""), None
    offered = answer.header("Sec-WebSocket-Protocol")
    return None, offered if offered in opening.subprotocols else None


def _message(connection: Connection, deployed: routes.Deployed, body: str | bytes,
             services: Services) -> None:
    """Run the route `body` selects; send back what a two-way route answers."""
    request_id = _request_id()
    route = routes.select(deployed.api, body)
    if route is None:
        _reply(connection, _message_body("Forbidden", connection, request_id))
        return
    event = events.message(connection, deployed, route.route_key, body, request_id)
    try:
        answer = integrate.run(integrate.Call(deployed, route, event, body), services.invoker,
                               services.services)
    except Exception as exc:  # noqa: BLE001 - a failing message leaves the connection open
        _failed(deployed, route.route_key, exc)
        _reply(connection, _message_body("Internal server error", connection, request_id))
        return
    if routes.two_way(route) and answer.body is not None:
        _reply(connection, answer.body)


def _disconnect(connection: Connection, deployed: routes.Deployed, code: int,
                services: Services) -> None:
    route = routes.route(deployed.api, routes.DISCONNECT)
    if route is None:
        return
    event = events.disconnect(connection, deployed, code, _request_id())
    try:
        integrate.run(integrate.Call(deployed, route, event), services.invoker,
                      services.services)
    except Exception as exc:  # noqa: BLE001 - the connection is gone either way
        _failed(deployed, routes.DISCONNECT, exc)


def _failed(deployed: routes.Deployed, route_key: str, exc: Exception) -> None:
    """Log an integration's failure: one line for what is known to fail (a function error,
    an integration not served locally), the traceback for anything else (a service action
    moto lacks, a bug)."""
    if isinstance(exc, FAILURES):
        log.warning("WebSocket API %s route %s: %s", deployed.api_id, route_key, exc)
    else:
        log.exception("WebSocket API %s route %s failed", deployed.api_id, route_key)


def _reply(connection: Connection, data: bytes) -> None:
    try:
        connection.link.send(data)
    except Gone:
        pass  # closed meanwhile: the loop ends on its own


def _message_body(text: str, connection: Connection | None = None,
                  request_id: str = "") -> bytes:
    body: dict[str, Any] = {"message": text}
    if connection is not None:
        body.update(connectionId=connection.connection_id, requestId=request_id)
    return json.dumps(body).encode()


def _request_id() -> str:
    return str(uuid.uuid4())
