"""The Lambda Web Adapter's mapping (standard library only, used by webworker.py): an event
(API Gateway REST or HTTP API, function URL, ALB; anything else is POSTed to the pass-through
path) becomes an HTTP request to the app, and its answer the Lambda response: the proxy
response of the event's kind, or in response_stream mode a JSON prelude, eight NUL bytes and
the body."""
from __future__ import annotations

import base64
import dataclasses
import http.client
import json
import os
import urllib.parse
from dataclasses import dataclass
from typing import Any, Mapping, MutableMapping

DELIMITER = b"\x00" * 8
TEXT_TYPES = ("text/", "application/json", "application/javascript", "application/xml")


@dataclass(frozen=True)
class Config:
    """The adapter's settings, from the function's environment (AWS_LWA_*)."""

    port: int
    check_port: int
    check_path: str
    check_tcp: bool
    healthy_codes: str
    streaming: bool
    base_path: str
    pass_through: str
    authorization_source: str

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> Config:
        def get(name: str, default: str) -> str:
            return env.get(f"AWS_LWA_{name}") or env.get(name) or default
        port = int(env.get("AWS_LWA_PORT") or env.get("PORT") or 8080)
        return cls(port, int(get("READINESS_CHECK_PORT", str(port))),
                   get("READINESS_CHECK_PATH", "/"),
                   get("READINESS_CHECK_PROTOCOL", "http").lower() == "tcp",
                   env.get("AWS_LWA_READINESS_CHECK_HEALTHY_STATUS") or "100-499",
                   (env.get("AWS_LWA_INVOKE_MODE") or "").lower() == "response_stream",
                   get("REMOVE_BASE_PATH", ""), env.get("AWS_LWA_PASS_THROUGH_PATH") or "/events",
                   env.get("AWS_LWA_AUTHORIZATION_SOURCE") or "")

    def on_port(self, port: int) -> Config:
        """These settings with the app on `port` (and its readiness check, unless that has
        a port of its own)."""
        check = port if self.check_port == self.port else self.check_port
        return dataclasses.replace(self, port=port, check_port=check)

    def healthy(self, status: int) -> bool:
        for part in self.healthy_codes.split(","):
            low, _, high = part.strip().partition("-")
            if low.isdigit() and int(low) <= status <= int(high if high.isdigit() else low):
                return True
        return False


def app_paths(env: MutableMapping[str, str]) -> None:
    """Lambda's /opt for the app: a Python runtime's PYTHONPATH gets the layers' folders."""
    opt = env.pop("_WS_OPT", "")  # layers.OPT_VARIABLE
    version = env.get("AWS_EXECUTION_ENV", "").removeprefix("AWS_Lambda_python")
    if opt and version != env.get("AWS_EXECUTION_ENV"):
        paths = [f"{opt}/python/lib/python{version}/site-packages", f"{opt}/python"]
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [env.get("PYTHONPATH"), *paths]))


def error_json(error_type: str, message: str) -> str:
    return json.dumps({"errorType": error_type, "errorMessage": message})


def forward(config: Config, request: dict[str, Any], timeout: float) -> dict[str, Any]:
    """Send the invocation's event to the app; the reply frame of its answer."""
    event = json.loads(request["event"])
    kind = _kind(event)
    method, path, query, headers, body = _request(config, event, kind)
    headers["x-amzn-request-context"] = json.dumps(  # compact, as serde writes them
        event.get("requestContext") if kind != "passthrough" else None, separators=(",", ":"))
    headers["x-amzn-lambda-context"] = json.dumps(_lambda_context(request),
                                                  separators=(",", ":"))
    if config.authorization_source and config.authorization_source.lower() in headers:
        headers["authorization"] = headers.pop(config.authorization_source.lower())
    conn = http.client.HTTPConnection("127.0.0.1", config.port, timeout=max(timeout, 0.01))
    try:
        conn.putrequest(method, path + (f"?{query}" if query else ""), skip_host=True,
                        skip_accept_encoding=True)
        headers.setdefault("host", f"127.0.0.1:{config.port}")
        headers["content-length"] = str(len(body))
        for name, value in headers.items():
            conn.putheader(name, value)
        conn.endheaders(body)
        answer = conn.getresponse()
        status, reason = answer.status, answer.reason
        try:
            data, cut = answer.read(), ""
        except http.client.IncompleteRead as exc:  # the app's stream broke off
            if not config.streaming:
                raise
            data, cut = exc.partial, f"[ws] the app's answer ended early: {exc!r}\n"
        pairs = [(k.lower(), v) for k, v in answer.getheaders() if k.lower() !=
                 "transfer-encoding"]
    finally:
        conn.close()
    return {**_reply(config, kind, event, status, reason, pairs, data), "log_after": cut}


def _kind(event: Any) -> str:
    if not isinstance(event, dict) or not isinstance(event.get("requestContext"), dict):
        return "passthrough"
    context = event["requestContext"]
    if event.get("version") == "2.0" and "http" in context:
        return "v2"
    if "elb" in context and "httpMethod" in event:
        return "alb"
    return "v1" if "httpMethod" in event else "passthrough"


def _request(config: Config, event: Any, kind: str) -> tuple[str, str, str, dict[str, str],
                                                           bytes]:
    if kind == "passthrough":
        return ("POST", config.pass_through, "", {"content-type": "application/json"},
                json.dumps(event).encode())
    raw = event.get("body") or ""
    body = base64.b64decode(raw) if event.get("isBase64Encoded") else raw.encode()
    if kind == "v2":
        headers = {k.lower(): str(v) for k, v in (event.get("headers") or {}).items()}
        if event.get("cookies"):
            headers["cookie"] = "; ".join(event["cookies"])
        method, path = event["requestContext"]["http"]["method"], event.get("rawPath") or "/"
        query = event.get("rawQueryString") or ""
    else:
        multi = event.get("multiValueHeaders") or {}
        single = event.get("headers") or {}
        headers = {k.lower(): ", ".join(map(str, v)) for k, v in multi.items()} or \
            {k.lower(): str(v) for k, v in single.items()}
        method, path = event["httpMethod"], event.get("path") or "/"
        query = _query(event, encoded=kind == "alb")
    if config.base_path and path.startswith(config.base_path):
        path = path[len(config.base_path):] or "/"
    return method, urllib.parse.quote(path, safe="/%:@!$&'()*+,;=~-._"), query, headers, body


def _query(event: dict[str, Any], encoded: bool) -> str:
    multi = event.get("multiValueQueryStringParameters") or {
        k: [v] for k, v in (event.get("queryStringParameters") or {}).items()}
    pairs = [(k, v) for k, vs in multi.items() for v in vs or []]
    if encoded:  # an ALB passes them as the client sent them
        return "&".join(f"{k}={v}" for k, v in pairs)
    return urllib.parse.urlencode(pairs)


def _lambda_context(request: dict[str, Any]) -> dict[str, Any]:
    return {"request_id": request["request_id"], "deadline": int(request["deadline_ms"]),
            "invoked_function_arn": request["arn"], "xray_trace_id": None,
            "client_context": None, "identity": None,
            "env_config": {"function_name": request["function_name"],
                           "memory": int(request["memory"]), "version": request["version"],
                           "log_stream": request["log_stream"],
                           "log_group": request["log_group"]}}


def _reply(config: Config, kind: str, event: Any, status: int, reason: str,
           pairs: list[tuple[str, str]], data: bytes) -> dict[str, Any]:
    cookies = [v for k, v in pairs if k == "set-cookie"]
    joined: dict[str, str] = {}
    for name, value in pairs:
        if name != "set-cookie":
            joined[name] = f"{joined[name]}, {value}" if name in joined else value
    if config.streaming:
        prelude = json.dumps({"statusCode": status, "headers": joined, "cookies": cookies})
        return {"ok": True, "payload_base64": base64.b64encode(
            prelude.encode() + DELIMITER + data).decode()}
    if kind == "passthrough":
        return {"ok": True, "payload": _passthrough(data)}
    body, encoded = _body(dict(pairs), data)
    answer: dict[str, Any] = {"statusCode": status}
    multi: dict[str, list[str]] = {}
    for name, value in pairs:
        multi.setdefault(name, []).append(value)
    if kind == "v2":
        answer.update(headers=joined, cookies=cookies)
    elif kind == "alb":
        answer["statusDescription"] = f"{status} {reason}".strip()
        answer.update({"multiValueHeaders": multi} if event.get("multiValueHeaders") else
                      {"headers": {k: v[-1] for k, v in multi.items()}})
    else:
        answer.update(headers={k: v[-1] for k, v in multi.items()}, multiValueHeaders=multi)
    answer.update(body=body, isBase64Encoded=encoded)
    return {"ok": True, "payload": json.dumps(answer)}


def _body(headers: dict[str, str], data: bytes) -> tuple[str, bool]:
    """Text bodies as text, anything else (or compressed) as base64, as lambda_http does."""
    kind = headers.get("content-type", "").lower()
    text = "content-encoding" not in headers and (
        not kind or kind.startswith(TEXT_TYPES) or kind.split(";")[0].endswith(("+json",
                                                                                "+xml")))
    if text:
        try:
            return data.decode("utf-8"), False
        except UnicodeDecodeError:
            pass
    return base64.b64encode(data).decode(), True


def _passthrough(data: bytes) -> str:
    """A pass-through answer: its JSON as the result, else the text as a JSON string."""
    text = data.decode("utf-8", errors="replace")
    try:
        json.loads(text)
        return text
    except ValueError:
        return json.dumps(text) if text else "null"
