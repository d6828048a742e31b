"""The `${stack.Output}` and `${ws.name}` references allowed in parameter values."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable

_PLACEHOLDER = re.compile(r"\$\{([^}]*)\}")
_REF = re.compile(r"^([a-z][a-z0-9-]*)\.([A-Za-z][A-Za-z0-9_]*)$")
_SECRET = re.compile(r"^\$\{(ssm|secretsmanager):(.+)\}$")
BUILTIN = "ws"
BUILTINS = ("prefix", "env", "workspace", "region", "owner", "cognito_endpoint")


@dataclass(frozen=True, order=True)
class Ref:
    """A reference from a parameter value to another stack's output (or a ws built-in)."""

    stack: str
    output: str

    @property
    def is_builtin(self) -> bool:
        return self.stack == BUILTIN

    def __str__(self) -> str:
        return f"${{{self.stack}.{self.output}}}"


def secret_of(value: str) -> tuple[str, str] | None:
    """("ssm" | "secretsmanager", name) when `value` is a secret reference as a whole."""
    found = _SECRET.match(value.strip())
    return (found.group(1), found.group(2).strip()) if found else None


def parse(value: str) -> list[Ref]:
    """All references in `value`; ValueError names a malformed one.

    `${ssm:NAME}` and `${secretsmanager:ID}` (the whole value) are read at deploy time;
    NAME may hold references itself.
    """
    secret = secret_of(value)
    if secret is not None:
        if secret_of(secret[1]) is not None or not secret[1]:
            raise ValueError(f"malformed secret reference {value!r}: write ${{ssm:/name}}")
        return parse(secret[1])
    refs = []
    for match in _PLACEHOLDER.finditer(value):
        found = _REF.match(match.group(1).strip())
        if not found:
            raise ValueError(f"malformed reference {match.group(0)!r}: write "
                             "${stack.OutputName} or ${ws.prefix}, or a whole value "
                             "${ssm:/name} or ${secretsmanager:id}")
        ref = Ref(found.group(1), found.group(2))
        if ref.is_builtin and ref.output not in BUILTINS:
            raise ValueError(f"unknown built-in {ref}: use one of "
                             + ", ".join(f"${{ws.{b}}}" for b in BUILTINS))
        refs.append(ref)
    return refs


def substitute(value: str, lookup: Callable[[Ref], str]) -> str:
    """Replace every reference in `value` with `lookup(ref)` (a secret reference stays one)."""
    secret = secret_of(value)
    if secret is not None:
        return f"${{{secret[0]}:{substitute(secret[1], lookup)}}}"
    def replace(match: re.Match[str]) -> str:
        return lookup(parse(match.group(0))[0])
    return _PLACEHOLDER.sub(replace, value)
