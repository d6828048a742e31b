"""A forward proxy for local functions: requests to `<id>.execute-api.<region>.amazonaws.com`
(plain HTTP, or HTTPS through CONNECT, terminated with the local CA's certificate) are sent
to the local gateway (`/_ws/api/<id>/...`, Host kept so SigV4 signatures still verify);
every other host is passed through untouched (a CONNECT tunnel, or the request forwarded)."""
from __future__ import annotations

import http.client
import logging
import re
import select
import socket
import socketserver
import ssl
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

from ws.local.reach.ca import LocalCa, ensure
from ws.local.urls import API_PREFIX

log = logging.getLogger(__name__)
_API_HOST = re.compile(r"^(?P<api>[a-z0-9]+)\.execute-api\.(?P<region>[a-z0-9-]+)"
                       r"\.amazonaws\.com$")
_HOP = {"proxy-connection", "proxy-authorization", "connection", "keep-alive",
        "transfer-encoding", "te", "trailer", "upgrade"}
_TIMEOUT = 60


class Proxy(socketserver.ThreadingTCPServer):
    """The proxy on 127.0.0.1 (an ephemeral port); `endpoint` is the local endpoint's URL."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, endpoint: str, ca: LocalCa) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.endpoint = urllib.parse.urlsplit(endpoint)
        self.ca = ca
        self._contexts: dict[str, ssl.SSLContext] = {}
        self._lock = threading.Lock()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def tls_context(self, region: str) -> ssl.SSLContext:
        with self._lock:
            if region not in self._contexts:
                context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
                context.load_cert_chain(*self.ca.leaf(region))
                self._contexts[region] = context
            return self._contexts[region]


def start(endpoint: str, folder: Path) -> Proxy:
    """The proxy serving from a daemon thread; `shutdown()` and `server_close()` stop it."""
    proxy = Proxy(endpoint, ensure(folder))
    threading.Thread(target=proxy.serve_forever, name="ws-reach-proxy", daemon=True).start()
    return proxy


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: Proxy

    def log_message(self, *args: Any) -> None:
        pass

    def do_CONNECT(self) -> None:  # noqa: N802 (http.server's naming)
        host, _, port = self.path.rpartition(":")
        api = _API_HOST.match(host.lower())
        if api is None:
            self._tunnel(host, int(port or 443))
            return
        self.send_response(200, "Connection Established")
        self.end_headers()
        try:
            tls = self.server.tls_context(api["region"]).wrap_socket(self.connection,
                                                                     server_side=True)
        except (ssl.SSLError, OSError) as exc:
            log.info("TLS with a client for %s failed: %s", host, exc)
            self.close_connection = True
            return
        try:
            _Inner(tls, self.client_address, self.server, f"https://{host}")
        finally:
            tls.close()
        self.close_connection = True

    def _tunnel(self, host: str, port: int) -> None:
        try:
            upstream = socket.create_connection((host, port), timeout=_TIMEOUT)
        except OSError as exc:
            self.send_error(502, f"cannot reach {host}:{port}: {exc}")
            return
        self.send_response(200, "Connection Established")
        self.end_headers()
        _relay(self.connection, upstream)
        self.close_connection = True

    def _forward(self) -> None:
        target = urllib.parse.urlsplit(self.path)
        _send(self, f"{target.scheme}://{target.netloc}", target.path or "/", target.query)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = _forward


class _Inner(BaseHTTPRequestHandler):
    """The requests inside a terminated TLS connection (origin-form paths)."""

    protocol_version = "HTTP/1.1"

    def __init__(self, connection: Any, address: Any, server: Proxy, origin: str) -> None:
        self.origin = origin
        super().__init__(connection, address, server)

    def log_message(self, *args: Any) -> None:
        pass

    def _forward(self) -> None:
        path, _, query = self.path.partition("?")
        _send(self, self.origin, path or "/", query)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = _forward


def _send(handler: BaseHTTPRequestHandler, origin: str, path: str, query: str) -> None:
    """Forward the handler's request to `origin` (mapped to the gateway when it is an API)."""
    parts = urllib.parse.urlsplit(origin)
    api = _API_HOST.match((parts.hostname or "").lower())
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


def _relay(client: socket.socket, upstream: socket.socket) -> None:
    """Copy bytes both ways until one side closes."""
    sockets = [client, upstream]
    try:
        while True:
            ready, _, broken = select.select(sockets, [], sockets, _TIMEOUT)
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
