"""The Lambda Web Adapter's requests (standard library only, used by webworker.py): its
settings, and an event (API Gateway REST or HTTP API, function URL, ALB; anything else is
POSTed to the pass-through path) sent to the app as the adapter sends it (webanswer.py makes
the app's answer the Lambda response)."""
from __future__ import annotations

import base64
import dataclasses
import http.client
import json
import os
import urllib.parse
from dataclasses import dataclass
from typing import Any, Mapping, MutableMapping



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
    """Lambda's /opt for the app: a Python runtime's PYTHONPATH gets the layers' folders,
    then the runtime's SDK (where Lambda's site-packages would be)."""
    opt = env.pop("_WS_OPT", "")  # layers.OPT_VARIABLE
    sdk = env.pop("_WS_SDK", "")  # webadapter.SDK_VARIABLE
    version = env.get("AWS_EXECUTION_ENV", "").removeprefix("AWS_Lambda_python")
    if version == env.get("AWS_EXECUTION_ENV"):
        return  # not a Python runtime
    paths = [f"{opt}/python/lib/python{version}/site-packages", f"{opt}/python"] if opt else []
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [env.get("PYTHONPATH"), *paths, sdk]))


def error_json(error_type: str, message: str) -> str:
    return json.dumps({"errorType": error_type, "errorMessage": message})


@dataclass(frozen=True)
class Answer:
    """The app's answer to one event (`kind`: v1, v2, alb or passthrough); `cut` says when it
    broke off in response_stream mode."""

    kind: str
    event: Any
    status: int
    reason: str
    headers: list[tuple[str, str]]
    body: bytes
    cut: str = ""


def forward(config: Config, request: dict[str, Any], timeout: float) -> Answer:
    """Send the invocation's event to the app; its answer."""
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
    return Answer(kind, event, status, reason, pairs, data, cut)


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
