"""WSGI middleware in front of moto's app: /_ws/api/{api_id}/{stage}/... goes to the gateway,
everything else to moto (same process, same port: the gateway reads moto's live models)."""
from __future__ import annotations

from http import HTTPStatus
from typing import Any, Callable, Iterable

from werkzeug.wrappers import Request

from ws.local.apigw import replies, stagepath
from ws.local.apigw.gateway import Gateway
from ws.local.apigw.request import ApiRequest, ApiResponse
from ws.local.apigw.services import MotoServices
from ws.local.apigw.websocket import session, upgrade
from ws.local.urls import API_PREFIX

WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


class ApiGatewayMiddleware:
    """Serves deployed REST, HTTP and WebSocket APIs under API_PREFIX; passes every other
    request to `app`."""

    def __init__(self, app: WsgiApp, gateway: Gateway | None = None) -> None:
        self.app = app
        self.gateway = gateway or Gateway(services=MotoServices(app))

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]
                 ) -> Iterable[bytes]:
        if not environ.get("PATH_INFO", "").startswith(API_PREFIX):
            return self.app(environ, start_response)
        if upgrade.wanted(environ):
            upgrade.serve(environ, session.Services(self.gateway.connections,
                                                    self.gateway.invoker,
                                                    self.gateway.services))
        request = to_request(Request(environ))
        response = self.gateway.serve(request) if request else replies.forbidden()
        return _send(response, start_response)


def to_request(http: Request) -> ApiRequest | None:
    """The ApiRequest of an HTTP request under API_PREFIX (stage "" when the path names none
    of an HTTP API's stages: its $default stage); None when it names no API."""
    api_id, _, rest = http.path[len(API_PREFIX):].partition("/")
    if not api_id:
        return None
    stage, path = stagepath.split(api_id, rest)
    headers = list(http.headers.items())
    headers += [("X-Forwarded-For", http.remote_addr or ""),
                ("X-Forwarded-Port", str(http.environ.get("SERVER_PORT", ""))),
                ("X-Forwarded-Proto", http.scheme)]
    return ApiRequest(api_id, stage, http.method, path,
                      tuple(http.args.items(multi=True)), tuple(headers), http.get_data(),
                      http.remote_addr or "", raw_target=_raw_target(http))


def _raw_target(http: Request) -> str:
    """The path and query as the client sent them (what a SigV4 signature covers)."""
    raw = http.environ.get("RAW_URI") or http.environ.get("REQUEST_URI")
    if raw:
        return raw
    query = http.environ.get("QUERY_STRING", "")
    return http.environ.get("SCRIPT_NAME", "") + http.environ.get("PATH_INFO", "") + (
        f"?{query}" if query else "")


def _send(response: ApiResponse, start_response: Callable[..., Any]) -> list[bytes]:
    try:
        phrase = HTTPStatus(response.status).phrase
    except ValueError:
        phrase = ""
    headers = [(k, v) for k, v in response.headers if k.lower() != "content-length"]
    headers.append(("Content-Length", str(len(response.body))))
    start_response(f"{response.status} {phrase}".rstrip(), headers)
    return [response.body]
