"""Check parsed YAML mappings against a small declarative spec, with file:line errors."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ws.config.yamlfile import Mapping
from ws.errors import ConfigError

_TYPE_NAMES = {str: "a string", int: "an integer", bool: "true or false", list: "a list",
               dict: "a mapping"}


class Scalar:
    """A value kind for `Field.items`: a string, a number or true/false, passed as written."""


@dataclass(frozen=True)
class Field:
    """One allowed key: its type, whether it must be there, and its default. The rest describes
    it for people and editors (docs/reference/, schemas/: python -m ws.docsgen): what it is,
    the keys of a mapping (`fields`), what a list or a free mapping holds (`items`), the
    values allowed (`choices`, `pattern`, `minimum`)."""

    type: type
    required: bool = False
    default: Any = None
    doc: str = ""
    fields: dict[str, Field] | None = None
    items: Field | None = None
    choices: tuple[str, ...] = ()
    pattern: str = ""
    minimum: int | None = None


def type_name(value: Any) -> str:
    if value is None:
        return "nothing (null)"
    for kind, name in _TYPE_NAMES.items():
        if type(value) is kind or (kind is dict and isinstance(value, dict)):
            return name
    return type(value).__name__


def line_of(data: Any, key: str | None = None) -> int | None:
    if isinstance(data, Mapping):
        return data.line_of(key) if key is not None else data.line
    return None


def check(data: Any, fields: dict[str, Field], path: str, what: str) -> dict[str, Any]:
    """Return `data` with defaults filled in, or raise naming the first bad key."""
    if data is None:
        data = Mapping()
    if not isinstance(data, dict):
        raise ConfigError(f"{what} must be a mapping, got {type_name(data)}", path=path,
                          line=line_of(data))
    for key in data:
        if key not in fields:
            allowed = ", ".join(sorted(fields))
            raise ConfigError(f"unknown key {key!r} in {what}", f"allowed keys: {allowed}",
                              path=path, line=line_of(data, key))
    result: dict[str, Any] = {}
    for key, field in fields.items():
        if key not in data:
            if field.required:
                raise ConfigError(f"missing required key {key!r} in {what}", path=path,
                                  line=line_of(data))
            result[key] = field.default
            continue
        expect(data[key], field.type, path, line_of(data, key), f"{key!r}")
        result[key] = data[key]
    return result


def expect(value: Any, kind: type, path: str, line: int | None, what: str) -> None:
    """Raise unless `value` is of `kind` (bool is not an int here)."""
    ok = isinstance(value, kind) and not (kind is int and isinstance(value, bool))
    if not ok:
        raise ConfigError(f"{what} must be {_TYPE_NAMES.get(kind, kind.__name__)}, "
                          f"got {type_name(value)}", path=path, line=line)


def string_map(value: Any, path: str, line: int | None, what: str) -> dict[str, str]:
    """A mapping of names to scalar values, returned as strings (CloudFormation parameters):
    a number or a yes/no as written in the file (YAML would read 1.10 as 1.1, 0755 as 493, NO
    as false, 1:30 as 90), true and false in lower case."""
    expect(value, dict, path, line, what)
    texts = getattr(value, "texts", {})
    result = {}
    for key, item in value.items():
        item_line = line_of(value, key)
        if not isinstance(item, (str, int, float)):  # (a bool is an int)
            raise ConfigError(f"{what}: value of {key!r} must be a string or a number, "
                              f"got {type_name(item)}", path=path, line=item_line)
        written = texts.get(key)
        if isinstance(item, bool) and (written is None or written.lower() in ("true", "false")):
            result[key] = "true" if item else "false"
        else:
            result[key] = item if isinstance(item, str) else written or str(item)
    return result
