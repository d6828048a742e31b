"""A Lambda REQUEST authorizer on a WebSocket API's $connect route: the function gets the
opening request (headers, query, stage variables, requestContext) and its IAM policy decides.
`Refused(401)` when an identity source is missing or the function raises "Unauthorized",
`Refused(403)` when the policy does not allow $connect; no result caching."""
from __future__ import annotations

from typing import Any

from ws.local.apigw import policies
from ws.local.apigw.lambdas import Invoker
from ws.local.apigw.websocket.routes import CONNECT, Deployed


class Refused(Exception):
    """The connection is refused with `status` (401 Unauthorized, 403 Forbidden)."""

    def __init__(self, status: int) -> None:
        super().__init__("Unauthorized" if status == 401 else "Forbidden")
        self.status = status


def authorize(deployed: Deployed, route: Any, event: dict[str, Any],
              invoker: Invoker) -> dict[str, Any] | None:
    """requestContext.authorizer for the connection (None: the route has no authorizer)."""
    if str(route.authorization_type or "NONE").upper() != "CUSTOM":
        return None
    model = deployed.api.authorizers.get(route.authorizer_id or "")
    if model is None:
        raise LookupError(f"route $connect names authorizer {route.authorizer_id!r}: not found")
    if not all(_source(source, event) for source in _sources(model.identity_source)):
        raise Refused(401)
    arn = (f"arn:aws:execute-api:{deployed.region}:{deployed.account_id}:{deployed.api_id}/"
           f"{deployed.stage}/{CONNECT}")
    request = {"type": "REQUEST", "methodArn": arn,
               "stageVariables": deployed.stage_variables(), **event}
    request.pop("isBase64Encoded", None)
    result = policies.authorizer_answer(invoker, model, request)
    if result is None:
        raise Refused(401)
    if not policies.policy_allows(result.get("policyDocument") or {}, arn):
        raise Refused(403)
    context = {k: v for k, v in (result.get("context") or {}).items()}
    return {**context, "principalId": str(result.get("principalId", ""))}


def _sources(value: Any) -> list[str]:
    items = value if isinstance(value, list) else str(value or "").split(",")
    return [s.strip() for s in items if s and s.strip()]


def _source(source: str, event: dict[str, Any]) -> str | None:
    """An identity source's value (route.request.header.X, route.request.querystring.X;
    others are taken as given)."""
    kind, _, name = source.removeprefix("route.request.").partition(".")
    if kind == "header":
        headers = event.get("headers") or {}
        return next((v for k, v in headers.items() if k.lower() == name.lower()), None)
    if kind == "querystring":
        return (event.get("queryStringParameters") or {}).get(name)
    return "given"
