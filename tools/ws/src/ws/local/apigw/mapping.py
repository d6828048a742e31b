"""Request parameters and integration responses of non-proxy integrations (MOCK, HTTP, AWS):
the integration response selected, its response parameters and its (Velocity) template."""
from __future__ import annotations

import json
import re
from typing import Any

from ws.local.apigw import jsonpath, templating, vtl
from ws.local.apigw.request import ApiRequest, ApiResponse

_STAGE_VARIABLE = re.compile(r"\$\{stageVariables\.([A-Za-z0-9_]+)\}")


class Unsupported(ValueError):
    """A mapping the local gateway cannot serve (its message says which)."""


def with_stage_variables(text: str, variables: dict[str, str] | None) -> str:
    """`${stageVariables.x}` replaced by the stage's value (empty when it has none)."""
    return _STAGE_VARIABLE.sub(lambda m: (variables or {}).get(m[1], ""), text or "")


def source_value(expression: str, request: ApiRequest, params: dict[str, str]) -> str | None:
    """A request-parameter source: 'literal', method.request.{path|querystring|header}.X,
    method.request.body[.JSONPath]."""
    if expression.startswith("'") and expression.endswith("'"):
        return expression[1:-1]
    kind, _, name = expression.removeprefix("method.request.").partition(".")
    if kind == "path":
        return params.get(name)
    if kind == "querystring":
        found = [v for k, v in request.query if k == name]
        return found[-1] if found else None
    if kind == "header":
        return request.header(name)
    if kind == "body" or expression == "method.request.body":
        return _body_value(request.body, name)
    raise Unsupported(f"request parameter source {expression!r}")


def _body_value(body: bytes, path: str) -> str | None:
    """method.request.body (the payload) or method.request.body.JSONPath (a value in it)."""
    if not path:
        return body.decode("utf-8", "replace")
    try:
        found = jsonpath.find(f"$.{path}", json.loads(body))
    except ValueError:
        return None
    return found if isinstance(found, str) or found is None else json.dumps(found)


def integration_params(integration: Any, request: ApiRequest, params: dict[str, str],
                       kind: str) -> dict[str, str]:
    """The integration.request.{kind}.X values its request parameters map (kind: path...)."""
    prefix = f"integration.request.{kind}."
    result = {}
    for target, source in (integration.request_parameters or {}).items():
        if target.startswith(prefix):
            value = source_value(source, request, params)
            if value is not None:
                result[target[len(prefix):]] = value
    return result


def integration_response(integration: Any, status: int, body: bytes, variables: dict[str, Any],
                         selector: str | None,
                         headers: tuple[tuple[str, str], ...] = ()) -> ApiResponse:
    """The response an integration answers with: the integration response whose selection
    pattern matches `selector` (the status; a Lambda's errorMessage; None: the default one),
    its parameters and its template (rendered with `variables`, $input the answer's body)."""
    chosen = _select(integration, selector)
    if chosen is None:
        return ApiResponse(status, (("Content-Type", "application/json"),), body)
    out = _response_headers(chosen.response_parameters or {}, headers, body)
    accept = variables["input"].params().get("header", {}).get("Accept") if variables else None
    kind, template = templating.response_template(chosen.response_templates, accept)
    status = int(chosen.status_code)
    if template:
        seen = templating.with_body(variables, body)
        body = vtl.render(template, seen).encode()
        status, out = _overridden(seen["context"], status, out)
    if not any(k.lower() == "content-type" for k, _ in out):
        out += (("Content-Type", kind or "application/json"),)
    return ApiResponse(status, out, body)


def _select(integration: Any, selector: str | None) -> Any | None:
    responses = list((integration.integration_responses or {}).values())
    if selector is not None:
        for item in responses:
            if item.selection_pattern and re.fullmatch(item.selection_pattern, selector,
                                                       re.DOTALL):
                return item
    return next((item for item in responses if not item.selection_pattern), None)


def _response_headers(parameters: dict[str, str], headers: tuple[tuple[str, str], ...],
                      body: bytes) -> tuple[tuple[str, str], ...]:
    """method.response.header.X = 'static' | integration.response.header.Y |
    integration.response.body[.JSONPath]."""
    out = []
    for target, source in sorted(parameters.items()):
        if not target.startswith("method.response.header."):
            continue
        value = _response_value(source, headers, body)
        if value is not None:
            out.append((target.removeprefix("method.response.header."), value))
    return tuple(out)


def _response_value(source: str, headers: tuple[tuple[str, str], ...], body: bytes) -> str | None:
    if source.startswith("'") and source.endswith("'"):
        return source[1:-1]
    if source.startswith("integration.response.header."):
        name = source.removeprefix("integration.response.header.").lower()
        return next((v for k, v in reversed(headers) if k.lower() == name), None)
    if source == "integration.response.body":
        return body.decode("utf-8", "replace")
    if source.startswith("integration.response.body."):
        try:
            found = jsonpath.find("$" + source.removeprefix("integration.response.body"),
                                  json.loads(body))
        except ValueError:
            return None
        return found if isinstance(found, str) or found is None else json.dumps(found)
    raise Unsupported(f"response parameter source {source!r}")


def _overridden(context: Any, status: int, headers: tuple[tuple[str, str], ...]
                ) -> tuple[int, tuple[tuple[str, str], ...]]:
    """$context.responseOverride.status / .header.X as a template set them."""
    override = context.get("responseOverride") or {}
    if override.get("status"):
        status = int(str(override["status"]))
    extra = dict(override.get("header") or {})
    if extra:
        headers = tuple((k, v) for k, v in headers if k not in extra) + tuple(
            (k, str(v)) for k, v in extra.items())
    return status, headers
