"""A forward proxy for local functions: requests to `<id>.execute-api.<region>.amazonaws.com`
(plain HTTP, or HTTPS through CONNECT, terminated with the local CA's certificate) are sent
to the local gateway (`/_ws/api/<id>/...`, Host kept so SigV4 signatures still verify);
every other host is passed through untouched (a CONNECT tunnel, or the request forwarded)."""
from __future__ import annotations

import logging
import socket
import socketserver
import ssl
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

from ws.local.reach import forwarding
from ws.local.reach.ca import LocalCa, ensure
from ws.local.reach.forwarding import API_HOST

log = logging.getLogger(__name__)
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
    disable_nagle_algorithm = True  # headers and body go out as separate writes
    server: Proxy

    def log_message(self, *args: Any) -> None:
        pass

    def do_CONNECT(self) -> None:  # noqa: N802 (http.server's naming)
        host, _, port = self.path.rpartition(":")
        api = API_HOST.match(host.lower())
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
        forwarding.relay(self.connection, upstream)
        self.close_connection = True

    def _forward(self) -> None:
        target = urllib.parse.urlsplit(self.path)
        forwarding.send(self, f"{target.scheme}://{target.netloc}", target.path or "/", target.query)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = _forward


class _Inner(BaseHTTPRequestHandler):
    """The requests inside a terminated TLS connection (origin-form paths)."""

    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True

    def __init__(self, connection: Any, address: Any, server: Proxy, origin: str) -> None:
        self.origin = origin
        super().__init__(connection, address, server)

    def log_message(self, *args: Any) -> None:
        pass

    def _forward(self) -> None:
        path, _, query = self.path.partition("?")
        api = API_HOST.match(urllib.parse.urlsplit(self.origin).hostname or "")
        if api is not None and (self.headers.get("Upgrade") or "").lower() == "websocket":
            forwarding.upgrade(self, api["api"], path or "/", query)  # wss:// to the API
            return
        forwarding.send(self, self.origin, path or "/", query)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = _forward
