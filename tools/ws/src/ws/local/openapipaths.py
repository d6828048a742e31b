"""The operations of an OpenAPI document's Path Items, as API Gateway imports them.

A Path Item may hold keys that are not operations (`parameters`, `summary`, `description`,
`servers`, `$ref`); moto's importers take every key for an HTTP method. Here only operations
remain, each with the Path Item's `parameters` merged into its own (the operation's win, by
name and location, as OpenAPI says), and a local `$ref` Path Item is read where it points."""
from __future__ import annotations

import copy
from typing import Any

METHODS = ("get", "put", "post", "delete", "patch", "head", "options",
           "x-amazon-apigateway-any-method")


def operations(spec: dict[str, Any], item: Any) -> dict[str, dict[str, Any]]:
    """{method: operation} of one Path Item of `spec` (a copy: parameters merged in)."""
    item = _resolved(spec, item)
    shared = [p for p in item.get("parameters") or [] if isinstance(p, dict)]
    found = {}
    for method, operation in item.items():
        if method.lower() not in METHODS or not isinstance(operation, dict):
            continue
        operation = copy.deepcopy(operation)
        if shared:
            own = [p for p in operation.get("parameters") or [] if isinstance(p, dict)]
            named = {_key(spec, p) for p in own}
            operation["parameters"] = [*(copy.deepcopy(p) for p in shared
                                         if _key(spec, p) not in named), *own]
        found[method] = operation
    return found


def with_operations_only(spec: dict[str, Any]) -> dict[str, Any]:
    """A copy of `spec` whose Path Items hold operations only."""
    result = {k: v for k, v in spec.items() if k != "paths"}
    paths = spec.get("paths")
    if isinstance(paths, dict):
        result["paths"] = {path: operations(spec, item) for path, item in paths.items()}
    return result


def _resolved(spec: dict[str, Any], item: Any, depth: int = 0) -> dict[str, Any]:
    """The Path Item, its local `$ref` followed (its own keys win), or {} if not a mapping."""
    if not isinstance(item, dict):
        return {}
    ref = item.get("$ref")
    if isinstance(ref, str) and depth < 8:  # a cycle of references ends here
        target = pointer(spec, ref)
        if isinstance(target, dict):
            return {**_resolved(spec, target, depth + 1),
                    **{k: v for k, v in item.items() if k != "$ref"}}
    return {k: v for k, v in item.items() if k != "$ref"}


def pointer(spec: dict[str, Any], ref: str) -> Any:
    """What a local JSON pointer (`#/components/...`) names in `spec`, else None."""
    if not ref.startswith("#/"):
        return None
    node: Any = spec
    for part in ref[2:].split("/"):
        part = part.replace("~1", "/").replace("~0", "~")
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node


def _key(spec: dict[str, Any], parameter: dict[str, Any]) -> tuple[str, str]:
    """A parameter's identity: (name, location), through its `$ref` if it has one."""
    ref = parameter.get("$ref")
    target = pointer(spec, ref) if isinstance(ref, str) else parameter
    target = target if isinstance(target, dict) else parameter
    return str(target.get("name", ref or "")), str(target.get("in", ""))
