"""The WSGI side of a WebSocket connection: an upgrade request to a deployed WebSocket API's
stage takes over the socket werkzeug's server hands out (`werkzeug.socket`) and runs the
session on the request's thread.

When it ends, `Upgraded` (a ConnectionError) is raised so that werkzeug treats the connection
as dropped and writes no HTTP response of its own (flask-sock ends werkzeug sessions so)."""
from __future__ import annotations

import json
import socket
import urllib.parse
from typing import Any

from werkzeug.datastructures import EnvironHeaders

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
    WebSocket API stage or the server hands out no socket."""
    api_id, _, rest = environ.get("PATH_INFO", "")[len(API_PREFIX):].partition("/")
    deployed = routes.find(api_id, rest.strip("/"))
    sock = environ.get("werkzeug.socket")
    if deployed is None or sock is None:
        return
    wire = Wire(sock, environ["wsgi.input"])
    try:
        wire.handshake(_head(environ))
        session.serve(wire, deployed, _opening(environ), services)
    except HandshakeError as exc:
        _refuse(sock, str(exc))
    finally:
        _shut(sock)
    raise Upgraded("WebSocket connection closed")


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
                           [p.strip() for p in offered.split(",") if p.strip()])


def _refuse(sock: socket.socket, reason: str) -> None:
    """A plain 400 (the handshake's own state is unusable after a malformed request)."""
    body = json.dumps({"message": f"Bad Request: {reason}"}).encode()
    head = (f"HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n").encode()
    try:
        sock.sendall(head + body)
    except OSError:
        pass


def _shut(sock: socket.socket) -> None:
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
