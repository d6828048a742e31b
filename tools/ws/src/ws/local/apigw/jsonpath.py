"""The JSONPath subset mapping templates use: `$`, `$.a.b`, `$['a']`, `$.a[0]`, `$.a[*].b`,
`$..a` is not served (a ValueError names it)."""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

_STEP = re.compile(r"\.(?P<name>[^.\[\]]+)|\[(?P<index>-?\d+|\*)\]|\[['\"](?P<key>[^'\"]*)['\"]\]"
                   r"|\.\*")
_MISSING = object()


def find(path: str, document: Any) -> Any:
    """The value at `path` in `document`; None when nothing is there. A `[*]` or `.*` step
    gives a list of every match."""
    values = [document]
    spread = False
    for kind, step in _steps(path):
        if kind == "all":
            spread = True
            values = [v for value in values for v in _children(value)]
            continue
        values = [found for value in values
                  if (found := _child(value, kind, step)) is not _MISSING]
    if spread:
        return values
    return values[0] if values else None


@lru_cache(maxsize=512)
def _steps(path: str) -> tuple[tuple[str, Any], ...]:
    text = path.strip()
    if not text.startswith("$"):
        raise ValueError(f"JSONPath {path!r} must start with '$'")
    if ".." in text:
        raise ValueError(f"JSONPath {path!r}: recursive descent is not served locally")
    steps: list[tuple[str, Any]] = []
    position = 1
    while position < len(text):
        match = _STEP.match(text, position)
        if match is None:
            raise ValueError(f"JSONPath {path!r} is not understood at {text[position:]!r}")
        if match["index"] == "*" or match[0] == ".*":
            steps.append(("all", None))
        elif match["index"] is not None:
            steps.append(("index", int(match["index"])))
        else:
            steps.append(("key", match["name"] if match["name"] is not None else match["key"]))
        position = match.end()
    return tuple(steps)


def _child(value: Any, kind: str, step: Any) -> Any:
    if kind == "key" and isinstance(value, dict):
        return value.get(step, _MISSING)
    if kind == "index" and isinstance(value, list) and -len(value) <= step < len(value):
        return value[step]
    return _MISSING


def _children(value: Any) -> list[Any]:
    if isinstance(value, dict):
        return list(value.values())
    return list(value) if isinstance(value, list) else []
