"""JSON values as a Velocity template sees them (Java's faces): true/false, `{a=1}` maps and
`[1, 2]` lists, so `"n": $input.path('$.n')` writes what API Gateway writes."""
from __future__ import annotations

from typing import Any


class JBool:
    """A JSON boolean as Velocity prints it."""

    def __init__(self, value: bool) -> None:
        self.value = value

    def __bool__(self) -> bool:
        return self.value

    def __eq__(self, other: object) -> bool:
        return self.value == (other.value if isinstance(other, JBool) else other)

    def __hash__(self) -> int:
        return hash(self.value)

    def __str__(self) -> str:
        return "true" if self.value else "false"


class JMap(dict):
    def __str__(self) -> str:
        return "{" + ", ".join(f"{k}={_shown(v)}" for k, v in self.items()) + "}"


class JList(list):
    def __str__(self) -> str:
        return "[" + ", ".join(_shown(v) for v in self) + "]"


def java(value: Any) -> Any:
    """A JSON value with Velocity's (Java's) faces."""
    if isinstance(value, bool):
        return JBool(value)
    if isinstance(value, dict):
        return JMap((k, java(v)) for k, v in value.items())
    if isinstance(value, list):
        return JList(java(v) for v in value)
    return value


def plain(value: Any) -> Any:
    """The JSON value behind `java(value)`."""
    if isinstance(value, JBool):
        return value.value
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


def _shown(value: Any) -> str:
    return "null" if value is None else str(value)
