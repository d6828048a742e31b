"""Find what serves a request in moto's apigateway backend: API, stage, resource, method.

Matching follows API Gateway: at each path segment a literal child beats a `{param}` child,
which beats a greedy `{param+}` child (which takes the rest of the path); the method is the
request's verb, else ANY.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterator

from moto.apigateway.models import apigateway_backends


@dataclass(frozen=True)
class Deployed:
    """A REST API and one of its stages, with where they live."""

    api: Any
    stage: Any
    account_id: str
    region: str


@dataclass(frozen=True)
class Route:
    """The resource and method that answer, and the path parameters they bound."""

    resource: Any
    method: Any
    params: dict[str, str]

    @property
    def resource_path(self) -> str:
        return self.resource.get_path()


def find_api(api_id: str) -> tuple[Any, str, str] | None:
    """(RestAPI, account, region) of `api_id` in any account and region moto holds."""
    for account_id, regions in list(apigateway_backends.items()):
        for region, backend in list(regions.items()):
            api = backend.apis.get(api_id)
            if api is not None:
                return api, account_id, region
    return None


def find_stage(api: Any, stage_name: str) -> Any | None:
    return api.stages.get(stage_name)


def match(api: Any, method: str, path: str) -> Route | None:
    """The route for `method` `path` (after the stage), or None (unknown path or method)."""
    children = _children(api)
    root = next((r for r in api.resources.values() if r.parent_id is None), None)
    if root is None:
        return None
    segments = [s for s in path.split("/") if s]
    for resource, params in _walk(children, root, segments, {}):
        verb = method if method in resource.resource_methods else "ANY"
        found = resource.resource_methods.get(verb)
        if found is not None:
            return Route(resource, found, params)
    return None


def _children(api: Any) -> dict[str, list[Any]]:
    result: dict[str, list[Any]] = {}
    for resource in list(api.resources.values()):
        if resource.parent_id:
            result.setdefault(resource.parent_id, []).append(resource)
    return result


def _walk(children: dict[str, list[Any]], node: Any, segments: list[str],
          params: dict[str, str]) -> Iterator[tuple[Any, dict[str, str]]]:
    """Every resource that matches `segments` below `node`, best first."""
    if not segments:
        yield node, params
        return
    head, rest = segments[0], segments[1:]
    for child in sorted(children.get(node.id, []), key=_rank):
        part = child.path_part
        if part.endswith("+}"):
            yield child, {**params, part[1:-2]: "/".join(segments)}
        elif part.startswith("{") and part.endswith("}"):
            yield from _walk(children, child, rest, {**params, part[1:-1]: head})
        elif part == head:
            yield from _walk(children, child, rest, params)


def _rank(resource: Any) -> int:
    """Literal segments first, then `{param}`, then greedy `{param+}`."""
    part = resource.path_part
    if part.endswith("+}"):
        return 2
    return 1 if part.startswith("{") else 0
