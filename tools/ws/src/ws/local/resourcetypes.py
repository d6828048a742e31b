"""What the local endpoint can create, served at /_ws/resource-types by the endpoint itself.

ws refuses a template with a resource type the endpoint would silently skip. Knowing the types
means loading moto's CloudFormation (about 1.5 s); the server has it loaded already, so every
`ws deploy` asks the server instead of loading moto again. An endpoint that does not answer
the route (one started by an older ws) leaves the caller to work the list out itself.
"""
from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable
from typing import Any

PATH = "/_ws/resource-types"
WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


class ResourceTypesRoute:
    """WSGI middleware: answers GET PATH with {"types": [...]}; passes the rest to `app`."""

    def __init__(self, app: WsgiApp, types: Callable[[], Iterable[str]]) -> None:
        self.app = app
        self.types = types

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]
                 ) -> Iterable[bytes]:
        if environ.get("PATH_INFO") != PATH or environ.get("REQUEST_METHOD") != "GET":
            return self.app(environ, start_response)
        body = json.dumps({"types": sorted(self.types())}).encode()
        start_response("200 OK", [("Content-Type", "application/json"),
                                  ("Content-Length", str(len(body)))])
        return [body]


def endpoint_types(url: str, timeout: float = 10.0) -> frozenset[str] | None:
    """The resource types the endpoint at `url` creates; None when it does not say."""
    try:
        with urllib.request.urlopen(url.rstrip("/") + PATH, timeout=timeout) as answer:
            types = json.loads(answer.read())["types"]
    except (OSError, ValueError, KeyError, TypeError):  # HTTPError is an OSError
        return None
    if not isinstance(types, list) or not all(isinstance(t, str) for t in types):
        return None
    return frozenset(types)
