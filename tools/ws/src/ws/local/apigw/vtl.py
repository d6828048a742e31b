"""API Gateway's mapping templates (Velocity): render one with $input, $util, $context and
$stageVariables, through `airspeed` (a pure-Python Velocity engine).

JSON values reach the template with Java's faces (`vtlvalues`).
"""
from __future__ import annotations

import base64
import json
import urllib.parse
from functools import lru_cache
from typing import Any

from ws.local.apigw import jsonpath
from ws.local.apigw.vtlvalues import JList, JMap, java, plain

__all__ = ["Input", "TemplateError", "Util", "java", "plain", "render"]


class TemplateError(ValueError):
    """A template that does not parse or fails while rendering (the gateway answers 500)."""


class Input:
    """$input: the payload and the method request's parameters."""

    def __init__(self, body: str, params: dict[str, dict[str, str]]) -> None:
        self.body = body
        self._params = params
        self._parsed: Any = None

    def _document(self) -> Any:
        if self._parsed is None:
            try:
                self._parsed = java(json.loads(self.body)) if self.body.strip() else JMap()
            except ValueError:
                self._parsed = self.body
        return self._parsed

    def path(self, expression: str) -> Any:
        return jsonpath.find(expression, self._document())

    def json(self, expression: str) -> str:
        return json.dumps(plain(self.path(expression)))

    def params(self, name: str | None = None) -> Any:
        if name is None:
            return self._params
        for kind in ("path", "querystring", "header"):
            if name in self._params.get(kind, {}):
                return self._params[kind][name]
        return None


class Util:
    """$util."""

    @staticmethod
    def escapeJavaScript(text: Any) -> str:  # noqa: N802 (API Gateway's names)
        return json.dumps(str(text), ensure_ascii=False)[1:-1].replace("'", "\\'")

    @staticmethod
    def parseJson(text: str) -> Any:  # noqa: N802
        return java(json.loads(text))

    @staticmethod
    def urlEncode(text: str) -> str:  # noqa: N802
        return urllib.parse.quote_plus(str(text))

    @staticmethod
    def urlDecode(text: str) -> str:  # noqa: N802
        return urllib.parse.unquote_plus(str(text))

    @staticmethod
    def base64Encode(text: str) -> str:  # noqa: N802
        return base64.b64encode(str(text).encode()).decode()

    @staticmethod
    def base64Decode(text: str) -> str:  # noqa: N802
        return base64.b64decode(str(text)).decode("utf-8", "replace")


def render(template: str, variables: dict[str, Any]) -> str:
    """`template` merged with `variables` (input, util, context, stageVariables)."""
    if "$" not in template and "#" not in template:
        return template  # static: served without the engine
    compiled = _compiled(template)
    try:
        return compiled.merge(dict(variables))
    except Exception as exc:  # airspeed's errors, and the template's own (a bad JSONPath...)
        raise TemplateError(f"mapping template failed: {exc}") from None


@lru_cache(maxsize=256)
def _compiled(template: str) -> Any:
    airspeed = _engine()
    try:
        compiled = airspeed.Template(template)
        compiled.ensure_compiled()
    except airspeed.TemplateSyntaxError as exc:
        raise TemplateError(f"mapping template does not parse: {exc}") from None
    return compiled


@lru_cache(maxsize=1)
def _engine() -> Any:
    try:
        import airspeed
    except ImportError:
        raise TemplateError("mapping templates need the 'airspeed' package "
                            "(pip install airspeed)") from None
    methods = airspeed.__additional_methods__
    methods[JMap] = {**methods.get(dict, {}), "size": len,
                     "containsKey": lambda self, key: key in self}
    methods[JList] = {**methods.get(list, {}), "isEmpty": lambda self: not self}
    methods.setdefault(str, {}).update({
        "toLowerCase": str.lower, "toUpperCase": str.upper, "trim": str.strip,
        "isEmpty": lambda self: not self, "equals": lambda self, other: self == other,
        "substring": lambda self, start, end=None: self[start:end],
        "indexOf": lambda self, part: self.find(part), "split": lambda self, sep: self.split(sep),
        "replace": lambda self, old, new: self.replace(old, new)})
    airspeed.LocalNamespace.set_inherited = _set_as_velocity
    return airspeed


def _set_as_velocity(namespace: Any, key: str, value: Any) -> None:
    """#set as Velocity does it: a variable first set inside #foreach (or a macro) lives on
    after it (airspeed kept it in the loop's scope)."""
    target = namespace.find_outermost(key)
    if target is None:
        target = namespace
        while isinstance(target.parent, type(namespace)):
            target = target.parent
    target[key] = value
