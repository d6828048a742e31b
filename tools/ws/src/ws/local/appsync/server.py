"""WSGI middleware: POST /_ws/appsync/{api_id}/graphql answered as AppSync answers it (API key
checked), everything else passed on."""
from __future__ import annotations

import json
import logging
from typing import Any, Callable, Iterable

from moto.appsync.models import appsync_backends
from werkzeug.wrappers import Request

from ws.local.apigw.awsintegration import ServiceCaller
from ws.local.apigw.lambdas import Invoker, moto_invoke
from ws.local.appsync import execution, resolvers
from ws.local.urls import APPSYNC_PREFIX

log = logging.getLogger(__name__)
WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


class AppSyncMiddleware:
    """Serves deployed AppSync GraphQL APIs under APPSYNC_PREFIX; passes the rest to `app`."""

    def __init__(self, app: WsgiApp, services: ServiceCaller,
                 invoker: Invoker = moto_invoke) -> None:
        self.app = app
        self.services = services
        self.invoker = invoker

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]
                 ) -> Iterable[bytes]:
        if not environ.get("PATH_INFO", "").startswith(APPSYNC_PREFIX):
            return self.app(environ, start_response)
        status, answer = self.serve(Request(environ))
        body = json.dumps(answer).encode()
        start_response(status, [("Content-Type", "application/json; charset=UTF-8"),
                                ("Content-Length", str(len(body)))])
        return [body]

    def serve(self, http: Request) -> tuple[str, dict[str, Any]]:
        api_id, _, rest = http.path[len(APPSYNC_PREFIX):].partition("/")
        found = _find(api_id)
        if found is None or rest.strip("/") != "graphql":
            return "404 Not Found", _refusal("NotFoundException", "GraphQL API not found.")
        api, region = found
        headers = {k.lower(): v for k, v in http.headers.items()}
        if api.authentication_type == "API_KEY" and headers.get("x-api-key") not in api.api_keys:
            message = ("You are not authorized to make this call." if "x-api-key" in headers
                       else "Valid authorization header not provided.")
            return "401 Unauthorized", _refusal("UnauthorizedException", message)
        if http.method != "POST":
            return "405 Method Not Allowed", _refusal("MethodNotAllowed", "Use POST.")
        try:
            body = json.loads(http.get_data() or b"{}")
        except ValueError:
            return "400 Bad Request", _refusal("MalformedHttpRequestException",
                                               "The body is not JSON.")
        definition = api.graphql_schema.definition if api.graphql_schema else ""
        if isinstance(definition, bytes):
            definition = definition.decode()
        parts = api.__dict__.get("ws_parts", {"sources": {}, "resolvers": {}})
        served = resolvers.Api(region, parts["sources"], parts["resolvers"], self.invoker,
                               self.services)
        return "200 OK", execution.execute(served, execution.schema_of(definition), body,
                                           headers)


def _find(api_id: str) -> tuple[Any, str] | None:
    for account in list(appsync_backends):
        for region, backend in list(appsync_backends[account].items()):
            if api_id in backend.graphql_apis:
                return backend.graphql_apis[api_id], region
    return None


def _refusal(error_type: str, message: str) -> dict[str, Any]:
    return {"errors": [{"errorType": error_type, "message": message}]}
