"""A REST API's Lambda authorizer (CUSTOM: TOKEN or REQUEST): invoke the function with API
Gateway's event and apply the IAM policy it answers. No result caching: every request asks.

`Denied` (401) when the identity source is missing, fails the validation expression or the
function raises "Unauthorized"; `Forbidden` (403) when the policy does not allow the method.
"""
from __future__ import annotations

import re
from typing import Any

from ws.local.apigw import policies, proxyevent
from ws.local.apigw.cognito import Denied
from ws.local.apigw.lambdas import Invoker
from ws.local.apigw.request import ApiRequest
from ws.local.apigw.routing import Deployed, Route


class Forbidden(Exception):
    """The policy denies the method (API Gateway's explicit deny: 403)."""


def authorize(request: ApiRequest, deployed: Deployed, route: Route, model: Any,
              invoker: Invoker) -> dict[str, Any]:
    """requestContext.authorizer (principalId and the policy's context) for `request`."""
    method_arn = (f"arn:aws:execute-api:{deployed.region}:{deployed.account_id}:"
                  f"{request.api_id}/{request.stage}/{request.method}{request.path}")
    event = _event(request, deployed, route, model, method_arn)
    result = policies.authorizer_answer(invoker, model, event)
    if result is None:
        raise Denied("Unauthorized")
    if not policies.policy_allows(result.get("policyDocument") or {}, method_arn):
        raise Forbidden()
    context = {k: _text(v) for k, v in (result.get("context") or {}).items()}
    return {**context, "principalId": str(result.get("principalId", ""))}


def _event(request: ApiRequest, deployed: Deployed, route: Route, model: Any,
           method_arn: str) -> dict[str, Any]:
    sources = [s.strip() for s in (model.identity_source or
                                   "method.request.header.Authorization").split(",")]
    if (model.type or "TOKEN").upper() == "TOKEN":
        token = request.header(sources[0].rsplit(".", 1)[-1])
        pattern = model.identity_validation_expression
        if not token or (pattern and not re.fullmatch(pattern, token)):
            raise Denied("Unauthorized")
        return {"type": "TOKEN", "authorizationToken": token, "methodArn": method_arn}
    if not all(_source_value(source, request, deployed) for source in sources):
        raise Denied("Unauthorized")
    event = proxyevent.event(request, deployed, route, None)
    return {"type": "REQUEST", "methodArn": method_arn, **{
        k: event[k] for k in ("resource", "path", "httpMethod", "headers", "multiValueHeaders",
                              "queryStringParameters", "multiValueQueryStringParameters",
                              "pathParameters", "stageVariables", "requestContext")}}


def _source_value(source: str, request: ApiRequest, deployed: Deployed) -> str | None:
    """An identity source's value (header, query string, stage variable; context: given)."""
    kind, _, name = source.removeprefix("method.request.").partition(".")
    if kind == "header":
        return request.header(name)
    if kind == "querystring":
        return next((v for k, v in reversed(request.query) if k == name), None)
    if kind == "stageVariables":
        return (deployed.stage.variables or {}).get(name)
    return "context"


def _text(value: Any) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)
