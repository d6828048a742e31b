"""Placeholder ids in the shape the service's API checks (its botocore model), where a short
random id would not pass: a function handing the id to the SDK gets past the SDK's validation.

A type's attribute `Id` (or `IndexId`...) is matched with the API's shape of the same name, or
of the resource's name plus `Id` (Kendra's Index `Id` is the API's `IndexId`, 36 characters).
"""
from __future__ import annotations

import functools
import re
import uuid
from typing import Any

import botocore.loaders
from botocore.exceptions import DataNotFoundError, UnknownServiceError

SHORT = 10  # the length of placeholder.random_id's ids


def api_id(kind: str, attribute: str, service: str) -> str | None:
    """A UUID when the API's shape for `attribute` of `kind` takes one and refuses a short
    id; None when a short id fits or the API says nothing of it."""
    for shape in _candidates(kind, attribute, service):
        low, high = shape.get("min", 0), shape.get("max", 2048)
        if low <= SHORT <= high:
            return None
        made = str(uuid.uuid4())
        pattern = shape.get("pattern")
        if low <= len(made) <= high and (not pattern or re.fullmatch(pattern, made)):
            return made
    return None


def _candidates(kind: str, attribute: str, service: str) -> list[dict[str, Any]]:
    resource = kind.split("::")[-1]
    names = [attribute] if attribute != "Id" else [f"{resource}Id"]
    shapes = _string_shapes(service) or _string_shapes(kind.split("::")[1].lower())
    return [shapes[name] for name in names if name in shapes]


@functools.lru_cache(maxsize=16)  # read-only data, loaded once per service
def _string_shapes(service: str) -> dict[str, dict[str, Any]]:
    try:
        model = botocore.loaders.create_loader().load_service_model(service, "service-2")
    except (UnknownServiceError, DataNotFoundError):
        return {}
    return {name: shape for name, shape in model.get("shapes", {}).items()
            if shape.get("type") == "string"}
