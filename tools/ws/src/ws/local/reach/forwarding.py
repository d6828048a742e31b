"""Send a request the proxy received on: to the local gateway when its host is an API's
(`/_ws/api/<id>/...`, Host kept so SigV4 signatures still verify), else to the host itself;
relay a CONNECT tunnel's bytes, and a WebSocket connection's once the gateway upgraded it."""
from __future__ import annotations

import http.client
import re
import select
import socket
import urllib.parse
from http.server import BaseHTTPRequestHandler

from ws.local.urls import API_PREFIX

API_HOST = re.compile(r"^(?P<api>[a-z0-9]+)\.execute-api\.(?P<region>[a-z0-9-]+)"
                      r"\.amazonaws\.com$")
_HOP = {"proxy-connection", "proxy-authorization", "connection", "keep-alive",
        "transfer-encoding", "te", "trailer", "upgrade"}
_TIMEOUT = 60


def send(handler: BaseHTTPRequestHandler, origin: str, path: str, query: str) -> None:
    """Forward the handler's request to `origin` (mapped to the gateway when it is an API)."""
    parts = urllib.parse.urlsplit(origin)
    api = API_HOST.match((parts.hostname or "").lower())
    body = _request_body(handler)
    headers = {k: v for k, v in handler.headers.items() if k.lower() not in _HOP}
    if body is not None:
        headers["Content-Length"] = str(len(body))
    if api is not None:
        endpoint = handler.server.endpoint  # type: ignore[attr-defined]
        connection: http.client.HTTPConnection = http.client.HTTPConnection(
            endpoint.hostname, endpoint.port, timeout=_TIMEOUT)
        path = f"{API_PREFIX}{api['api']}{path}"
    elif parts.scheme == "https":
        connection = http.client.HTTPSConnection(parts.hostname, parts.port, timeout=_TIMEOUT)
    else:
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=_TIMEOUT)
    try:
        connection.request(handler.command, path + (f"?{query}" if query else ""), body=body,
                           headers=headers)
        answer = connection.getresponse()
        data = answer.read()
    except OSError as exc:
        handler.send_error(502, f"cannot reach {origin}: {exc}")
        return
    finally:
        connection.close()
    handler.send_response(answer.status, answer.reason)
    for key, value in answer.getheaders():
        if key.lower() not in _HOP and key.lower() != "content-length":
            handler.send_header(key, value)
    handler.send_header("Content-Length", str(len(data)))
    handler.end_headers()
    if handler.command != "HEAD":
        handler.wfile.write(data)


def upgrade(handler: BaseHTTPRequestHandler, api_id: str, path: str, query: str) -> None:
    """Relay a WebSocket opening request (and then the connection) to the gateway's
    `/_ws/api/<api_id>{path}`, Upgrade and Connection headers kept."""
    endpoint = handler.server.endpoint  # type: ignore[attr-defined]
    try:
        upstream = socket.create_connection((endpoint.hostname, endpoint.port),
                                            timeout=_TIMEOUT)
    except OSError as exc:
        handler.send_error(502, f"cannot reach the local endpoint: {exc}")
        return
    target = f"{API_PREFIX}{api_id}{path}" + (f"?{query}" if query else "")
    head = [f"{handler.command} {target} HTTP/1.1"]
    head += [f"{k}: {v}" for k, v in handler.headers.items()
             if k.lower() not in ("proxy-connection", "proxy-authorization")]
    upstream.sendall(("\r\n".join(head) + "\r\n\r\n").encode("latin-1"))
    upstream.settimeout(None)  # a WebSocket connection may stay quiet for long
    handler.close_connection = True
    relay(handler.connection, upstream, timeout=None)


def _request_body(handler: BaseHTTPRequestHandler) -> bytes | None:
    """The request's body, whether sized by Content-Length or sent in chunks."""
    if "chunked" in (handler.headers.get("Transfer-Encoding") or "").lower():
        chunks = []
        while True:
            size = int(handler.rfile.readline().split(b";")[0].strip() or b"0", 16)
            if size == 0:
                while handler.rfile.readline() not in (b"\r\n", b"\n", b""):
                    pass  # trailers
                return b"".join(chunks)
            chunks.append(handler.rfile.read(size))
            handler.rfile.readline()
    length = int(handler.headers.get("Content-Length") or 0)
    return handler.rfile.read(length) if length else None


def relay(client: socket.socket, upstream: socket.socket,
          timeout: float | None = _TIMEOUT) -> None:
    """Copy bytes both ways until one side closes (or nothing moves for `timeout` s)."""
    sockets = [client, upstream]
    try:
        while True:
            ready, _, broken = select.select(sockets, [], sockets, timeout)
            if broken or not ready:
                return
            for source in ready:
                data = source.recv(65536)
                if not data:
                    return
                (upstream if source is client else client).sendall(data)
    except OSError:
        return
    finally:
        upstream.close()
