"""Request parameters and integration responses of non-proxy integrations (MOCK, HTTP).

Only static mappings are served: a response template is used as it is written, and one
with VTL (`$` or `#`) is refused (it would need API Gateway's template engine).
"""
from __future__ import annotations

import re
from typing import Any

from ws.local.apigw.request import ApiRequest, ApiResponse

_STAGE_VARIABLE = re.compile(r"\$\{stageVariables\.([A-Za-z0-9_]+)\}")


class Unsupported(ValueError):
    """A mapping the local gateway cannot serve (its message says which)."""


def with_stage_variables(text: str, variables: dict[str, str] | None) -> str:
    """`${stageVariables.x}` replaced by the stage's value (empty when it has none)."""
    return _STAGE_VARIABLE.sub(lambda m: (variables or {}).get(m[1], ""), text or "")


def source_value(expression: str, request: ApiRequest, params: dict[str, str]) -> str | None:
    """A request-parameter source: 'literal', method.request.{path|querystring|header}.X."""
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
    raise Unsupported(f"request parameter source {expression!r}")


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


def integration_response(integration: Any, status: int, body: bytes) -> ApiResponse:
    """The response an integration answers `status` with: the integration response whose
    selection pattern matches the status (or the default one), its parameters and template."""
    chosen = _select(integration, str(status))
    if chosen is None:
        return ApiResponse(status, (("Content-Type", "application/json"),), body)
    headers = _response_headers(chosen.response_parameters or {})
    template = (chosen.response_templates or {}).get("application/json")
    if template:
        if "$" in template or "#" in template:
            raise Unsupported("mapping templates with VTL are not served locally")
        body = template.encode()
    if not any(k.lower() == "content-type" for k, _ in headers):
        headers += (("Content-Type", "application/json"),)
    return ApiResponse(int(chosen.status_code), headers, body)


def _select(integration: Any, status: str) -> Any | None:
    responses = list((integration.integration_responses or {}).values())
    for item in responses:
        if item.selection_pattern and re.fullmatch(item.selection_pattern, status):
            return item
    return next((item for item in responses if not item.selection_pattern), None)


def _response_headers(parameters: dict[str, str]) -> tuple[tuple[str, str], ...]:
    """method.response.header.X = 'static' (what a CORS preflight's MOCK answers with)."""
    headers = []
    for target, source in sorted(parameters.items()):
        if not target.startswith("method.response.header."):
            continue
        if not (source.startswith("'") and source.endswith("'")):
            raise Unsupported(f"response parameter source {source!r}")
        headers.append((target.removeprefix("method.response.header."), source[1:-1]))
    return tuple(headers)
