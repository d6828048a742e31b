"""JSON Schemas (draft 2020-12) of the YAML files, from their field specs."""
from __future__ import annotations

import json
from typing import Any

from ws.config.fields import Field, Scalar
from ws.docsgen.specs import FileSpec

_TYPES = {str: "string", int: "integer", bool: "boolean", list: "array", dict: "object"}


def field_schema(field: Field) -> dict[str, Any]:
    """The schema of one value."""
    if field.type is Scalar:
        out: dict[str, Any] = {"type": ["string", "number", "boolean"]}
    else:
        out = {"type": _TYPES[field.type]}
    if field.doc:
        out["description"] = field.doc
    if field.choices:
        out["enum"] = list(field.choices)
    if field.pattern:
        out["pattern"] = field.pattern
    if field.minimum is not None:
        out["minimum"] = field.minimum
    if field.default not in (None, "", [], {}):
        out["default"] = field.default
    if field.type is list and field.items is not None:
        out["items"] = field_schema(field.items)
    if field.type is dict:
        if field.fields is not None:
            out.update(mapping_schema(field.fields))
        elif field.items is not None:
            out["additionalProperties"] = field_schema(field.items)
    return out


def mapping_schema(fields: dict[str, Field]) -> dict[str, Any]:
    """A mapping with exactly these keys: an unknown key (a typo) is an error."""
    out: dict[str, Any] = {"type": "object",
                           "properties": {k: field_schema(f) for k, f in fields.items()},
                           "additionalProperties": False}
    required = [k for k, f in fields.items() if f.required]
    if required:
        out["required"] = required
    return out


def file_schema(spec: FileSpec) -> str:
    """The schema file's text."""
    body = {"$schema": "https://json-schema.org/draft/2020-12/schema",
            "title": spec.title, "description": f"{spec.where}: {spec.about}",
            **mapping_schema(spec.fields)}
    return json.dumps(body, indent=2) + "\n"
