"""The WSGI side of a WebSocket connection: an upgrade request to a deployed WebSocket API's
stage takes over the socket werkzeug's server hands out (`werkzeug.socket`) and runs the
session on the request's thread.

When it ends, `Upgraded` (a ConnectionError) is raised so that werkzeug treats the connection
as dropped and writes no HTTP response of its own (flask-sock ends werkzeug sessions so)."""
from __future__ import annotations

import json
import socket
import urllib.parse
from http import HTTPStatus
from typing import Any

from werkzeug.datastructures import EnvironHeaders

from ws.local.apigw import httproutes
from ws.local.apigw.websocket import routes, session
from ws.local.apigw.websocket.wire import HandshakeError, Wire
from ws.local.urls import API_PREFIX


class Upgraded(ConnectionError):
    """The socket was used for a WebSocket connection, now over."""


def wanted(environ: dict[str, Any]) -> bool:
    """Whether the request asks for a WebSocket connection."""
    return environ.get("HTTP_UPGRADE", "").lower() == "websocket"


def serve(environ: dict[str, Any], services: session.Services) -> None:
    """Run the connection and raise Upgraded; return (nothing done) when the path names no
    WebSocket API or the server hands out no socket. An unknown stage is refused (403)."""
    api_id, _, rest = environ.get("PATH_INFO", "")[len(API_PREFIX):].partition("/")
    found = httproutes.find_api(api_id)
    sock = environ.get("werkzeug.socket")
    if found is None or not routes.is_websocket(found[0]) or sock is None:
        return
    deployed = routes.find(api_id, rest.strip("/"))
    try:
        if deployed is None:
            _refuse(sock, 403, f"Forbidden: API {api_id} has no stage {rest.strip('/')!r} "
                               f"(stages: {', '.join(sorted(found[0].stages)) or 'none'})")
        else:
            _run(sock, environ, deployed, services)
    finally:
        _shut(sock)
    raise Upgraded("WebSocket connection closed")


def _run(sock: socket.socket, environ: dict[str, Any], deployed: routes.Deployed,
         services: session.Services) -> None:
    wire = Wire(sock, environ["wsgi.input"])
    try:
        wire.handshake(_head(environ))
    except HandshakeError as exc:
        _refuse(sock, 400, f"Bad Request: {exc}")
        return
    session.serve(wire, deployed, _opening(environ), services)


def _head(environ: dict[str, Any]) -> bytes:
    """The request's head as the client sent it (request line and headers)."""
    target = environ.get("RAW_URI") or environ.get("PATH_INFO", "/")
    lines = [f"{environ['REQUEST_METHOD']} {target} {environ.get('SERVER_PROTOCOL', 'HTTP/1.1')}"]
    lines += [f"{k}: {v}" for k, v in EnvironHeaders(environ).items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


def _opening(environ: dict[str, Any]) -> session.Opening:
    headers = list(EnvironHeaders(environ).items())
    query = urllib.parse.parse_qsl(environ.get("QUERY_STRING", ""), keep_blank_values=True)
    offered = ",".join(v for k, v in headers if k.lower() == "sec-websocket-protocol")
    return session.Opening(headers, query, environ.get("REMOTE_ADDR", ""),
                           [p.strip() for p in offered.split(",") if p.strip()],
                           _target(environ))


def _target(environ: dict[str, Any]) -> str:
    """The request line's path and query as the client sent them."""
    raw = environ.get("RAW_URI") or environ.get("REQUEST_URI")
    if raw:
        return raw
    query = environ.get("QUERY_STRING", "")
    return environ.get("PATH_INFO", "/") + (f"?{query}" if query else "")


def _refuse(sock: socket.socket, status: int, message: str) -> None:
    """A plain HTTP answer, before any handshake (none is possible or wanted)."""
    body = json.dumps({"message": message}).encode()
    head = (f"HTTP/1.1 {status} {HTTPStatus(status).phrase}\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
            "Connection: close\r\n\r\n").encode()
    try:
        sock.sendall(head + body)
    except OSError:
        pass


def _shut(sock: socket.socket) -> None:
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
