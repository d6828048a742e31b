"""Where a cfn-lint finding fires in a template: the value there, the type of a resource, and
the type SAM's translator makes of it (translated once, only when a finding asks)."""
from __future__ import annotations

import json
from typing import Any


class Spot:
    """Where one finding fires in a template (its body as read) and what to know about it;
    the SAM translation is made once, only when a finding needs it."""

    def __init__(self, body: Any, region: str, display: str) -> None:
        self.body, self.region = body if isinstance(body, dict) else {}, region
        self.display, self._translated = display, None

    def at(self, path: tuple) -> Any:
        value: Any = self.body
        for key in path:
            try:
                value = value[key]
            except (KeyError, IndexError, TypeError):
                return None
        return value

    def type_of(self, logical_id: Any) -> str:
        return _type(self.body, logical_id)

    def translated_type(self, logical_id: str) -> str:
        """The type SAM's translator makes of a resource ('' when it cannot translate)."""
        if self._translated is None:
            try:
                self._translated = translated(self.body, self.region, self.display)
            except Exception:  # noqa: BLE001 - the translator refuses it: ws says so elsewhere
                self._translated = {}
        return _type(self._translated, logical_id)


def translated(body: Any, region: str, display: str) -> dict:
    """What SAM's transform makes of the template (ws.package.sam.as_sent), from its body as
    cfn-lint read it (plain data first: samtranslator copies it)."""
    from ws.package.sam import as_sent

    return as_sent(json.loads(json.dumps(body, default=str)), region, display)


def _type(body: dict, logical_id: Any) -> str:
    resources = body.get("Resources")
    spec = resources.get(logical_id) if isinstance(resources, dict) else None
    return str(spec.get("Type", "")) if isinstance(spec, dict) else ""
