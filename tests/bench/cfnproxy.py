"""An HTTP proxy on 127.0.0.1 in front of a moto server: forwards every AWS call, counts
calls by service and action, and makes CloudFormation asynchronous (asynccfn.AsyncStacks).

ws reaches it through AWS_ENDPOINT_URL, exactly as it would reach AWS.
"""
from __future__ import annotations

import http.client
import re
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlencode, urlsplit

from asynccfn import AsyncStacks
from asynclambda import AsyncFunctions, function_of

_SCOPE = re.compile(r"Credential=[^/]+/[^/]+/[^/]+/([^/]+)/")
_HOP = {"connection", "keep-alive", "transfer-encoding", "expect", "content-length",
        "proxy-connection", "upgrade"}
_LAMBDA = {("PUT", "/code"): "UpdateFunctionCode",
           ("PUT", "/configuration"): "UpdateFunctionConfiguration",
           ("GET", "/configuration"): "GetFunctionConfiguration", ("GET", ""): "GetFunction",
           ("POST", "/invocations"): "Invoke"}
_VERBS = {"HEAD": "Head", "GET": "Get", "PUT": "Put", "DELETE": "Delete", "POST": "Post"}


@dataclass
class CallLog:
    """Every call that reached the proxy: (time, service, action)."""

    calls: list[tuple[float, str, str]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, service: str, action: str) -> None:
        with self.lock:
            self.calls.append((time.time(), service, action))

    def between(self, start: float, end: float) -> list[tuple[float, str, str]]:
        with self.lock:
            return [call for call in self.calls if start <= call[0] < end]

    def counts(self, start: float, end: float) -> Counter:
        return Counter(f"{service}:{action}" for _, service, action in self.between(start, end))


def service_of(headers: dict[str, str]) -> str:
    """The service a SigV4-signed request is for (its credential scope)."""
    found = _SCOPE.search(headers.get("authorization", ""))
    return found.group(1) if found else "unknown"


def action_of(service: str, method: str, path: str, headers: dict[str, str],
              params: dict[str, str]) -> str:
    """The API action: Action= (query protocol), X-Amz-Target (JSON), else S3's REST shape."""
    if "Action" in params:
        return params["Action"]
    target = headers.get("x-amz-target")
    if target:
        return target.rsplit(".", 1)[-1]
    if service == "lambda":
        name, rest = function_of(path)
        named = _LAMBDA.get((method, rest)) if name else None
        if named:
            return named
    if service != "s3":
        return f"{method} {urlsplit(path).path}"
    parts = [p for p in urlsplit(path).path.split("/") if p]
    query = [key for key, _ in parse_qsl(urlsplit(path).query, keep_blank_values=True)]
    sub = "".join(k[0].upper() + k[1:] for k in query if k not in ("uploads", "uploadId"))
    if method == "PUT" and len(parts) == 1 and not sub:
        return "CreateBucket"
    if method == "GET" and len(parts) == 1 and "list-type" in query:
        return "ListObjectsV2"
    return f"{_VERBS.get(method, method)}{'Object' if len(parts) > 1 else 'Bucket'}{sub}"


class _Server(ThreadingHTTPServer):
    # socketserver listens with a backlog of 5: a client opening 50 connections at once (ws
    # starting 50 stacks) has the surplus SYNs dropped and resent by TCP a second later, which
    # no AWS endpoint does. A deeper backlog, as werkzeug's (moto's) 128.
    request_queue_size = 256
    daemon_threads = True


class Proxy:
    """The proxy server: start() on a free port, stop() when done."""

    def __init__(self, upstream_port: int, stacks: AsyncStacks,
                 functions: AsyncFunctions | None = None) -> None:
        self.upstream_port, self.stacks, self.log = upstream_port, stacks, CallLog()
        self.functions = functions or AsyncFunctions()
        self.server = _Server(("127.0.0.1", 0), _handler(self))
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True,
                                       name="bench-proxy")

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def start(self) -> Proxy:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def forward(self, method: str, path: str, headers: dict[str, str],
                body: bytes) -> tuple[int, list[tuple[str, str]], bytes]:
        """One request to moto: (status, headers, body)."""
        conn = http.client.HTTPConnection("127.0.0.1", self.upstream_port, timeout=120)
        try:
            sent = {k: v for k, v in headers.items() if k.lower() not in _HOP}
            sent["Content-Length"] = str(len(body))
            conn.request(method, path, body=body if body or method != "HEAD" else None,
                         headers=sent)
            response = conn.getresponse()
            data = response.read()
            return response.status, response.getheaders(), data
        finally:
            conn.close()

    def handle(self, method: str, path: str, headers: dict[str, str],
               body: bytes) -> tuple[int, list[tuple[str, str]], bytes]:
        """Count the call; for CloudFormation, answer or rewrite through AsyncStacks."""
        lower = {k.lower(): v for k, v in headers.items()}
        service = service_of(lower)
        form = lower.get("content-type", "").startswith("application/x-www-form-urlencoded")
        params = dict(parse_qsl(body.decode(), keep_blank_values=True)) if form else {}
        params.update(dict(parse_qsl(urlsplit(path).query, keep_blank_values=True))
                      if "Action=" in path else {})
        action = action_of(service, method, path, lower, params)
        self.log.add(service, action)
        if service == "lambda":
            return self._lambda(method, path, headers, body)
        if service != "cloudformation":
            return self.forward(method, path, headers, body)

        def fetch(extra: dict[str, str]) -> tuple[int, bytes]:
            encoded = urlencode(extra).encode()
            status, _, data = self.forward("POST", "/", headers, encoded)
            return status, data
        answer = self.stacks.intercept(action, params, fetch)
        xml_headers = [("Content-Type", "text/xml")]
        if answer is not None:
            return answer[0], xml_headers, answer[1]
        status, got_headers, data = self.forward(method, path, headers, body)
        status, data = self.stacks.after(action, params, status, data)
        return status, got_headers, data


    def _lambda(self, method: str, path: str, headers: dict[str, str],
                body: bytes) -> tuple[int, list[tuple[str, str]], bytes]:
        """Lambda's updates made asynchronous (asynclambda.AsyncFunctions)."""
        def read(name: str) -> tuple[int, bytes]:
            status, _, data = self.forward("GET", f"/2015-03-31/functions/{name}/configuration",
                                           headers, b"")
            return status, data
        answer = self.functions.handle(method, path,
                                       lambda: self.forward(method, path, headers, body), read)
        if answer is not None:
            return answer
        status, got_headers, data = self.forward(method, path, headers, body)
        status, data = self.functions.after(method, path, status, data)
        return status, got_headers, data


def _handler(proxy: Proxy) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as botocore expects
        # Headers and body go out in two writes: with Nagle's algorithm the second waits for
        # the client's delayed ACK, adding ~40 ms to every call.
        disable_nagle_algorithm = True

        def _any(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            status, headers, data = proxy.handle(self.command, self.path,
                                                 dict(self.headers.items()), body)
            self.send_response(status)
            for key, value in headers:
                if key.lower() not in _HOP:
                    self.send_header(key, value)
            upstream_length = {k.lower(): v for k, v in headers}.get("content-length")
            head = self.command == "HEAD"
            self.send_header("Content-Length", upstream_length if head and upstream_length
                             else str(len(data)))
            self.end_headers()
            if not head:
                self.wfile.write(data)

        do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = do_PATCH = _any

        def log_message(self, format: str, *args: object) -> None:
            pass  # one line per request is noise

    return Handler
