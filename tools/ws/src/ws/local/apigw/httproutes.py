"""HTTP APIs (API Gateway v2) in moto's apigatewayv2 backend: find the API, its stage and the
route that answers. A named stage is the path's first segment; the `$default` stage serves
every other path. Routes: the most specific path wins (a literal segment beats `{param}`,
which beats a greedy `{param+}`), the request's verb beats ANY, `$default` comes last."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from moto.apigatewayv2.models import apigatewayv2_backends


@dataclass(frozen=True)
class HttpRoute:
    """The route that answers, the path parameters it bound and the path after the stage."""

    route: Any
    params: dict[str, str]


def find_api(api_id: str) -> tuple[Any, str, str] | None:
    """(Api, account, region) of a v2 API `api_id` (HTTP or WebSocket) in any account and
    region moto holds."""
    for account_id, regions in list(apigatewayv2_backends.items()):
        for region, backend in list(regions.items()):
            api = backend.apis.get(api_id)
            if api is not None:
                return api, account_id, region
    return None


def find_stage(api: Any, first: str, rest: str) -> tuple[Any, str] | None:
    """(stage, path after it) for a request whose path is /{first}{rest}."""
    if first and first != "$default" and first in api.stages:
        return api.stages[first], rest or "/"
    default = api.stages.get("$default")
    if default is None:
        return None
    return default, (f"/{first}{rest}" if first else rest or "/")


def match(api: Any, method: str, path: str) -> HttpRoute | None:
    """The best route for `method` `path`, else the `$default` route, else None."""
    segments = [s for s in path.split("/") if s]
    candidates = []
    for route in list(api.routes.values()):
        verb, _, template = (route.route_key or "").partition(" ")
        if verb not in (method, "ANY") or not template:
            continue
        bound = _bind(template, segments)
        if bound is not None:
            rank, params = bound
            candidates.append((rank, verb == "ANY", route, params))
    if candidates:
        _, _, route, params = min(candidates, key=lambda c: (c[0], c[1]))
        return HttpRoute(route, params)
    default = next((r for r in list(api.routes.values()) if r.route_key == "$default"), None)
    return HttpRoute(default, {}) if default is not None else None


def _bind(template: str, segments: list[str]) -> tuple[tuple[int, ...], dict[str, str]] | None:
    """(rank, path parameters) when `template` matches `segments`, else None."""
    parts = [p for p in template.split("/") if p]
    params: dict[str, str] = {}
    rank: list[int] = []
    for index, part in enumerate(parts):
        if part.startswith("{") and part.endswith("+}"):
            if index >= len(segments) or index != len(parts) - 1:
                return None
            params[part[1:-2]] = "/".join(segments[index:])
            return (*rank, 2), params
        if index >= len(segments):
            return None
        if part.startswith("{") and part.endswith("}"):
            params[part[1:-1]] = segments[index]
            rank.append(1)
        elif part == segments[index]:
            rank.append(0)
        else:
            return None
    return (tuple(rank), params) if len(parts) == len(segments) else None
