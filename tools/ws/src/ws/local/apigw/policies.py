"""A Lambda authorizer's answer (the function invoked with API Gateway's event) and the IAM
policy it answers with, applied as API Gateway does."""
from __future__ import annotations

import fnmatch
import json
from typing import Any

from ws.local.apigw.lambdas import Invoker, function_arn


def policy_allows(policy: dict[str, Any], route_arn: str) -> bool:
    """Whether an authorizer's IAM policy allows execute-api:Invoke on `route_arn` (a Deny
    that matches wins)."""
    allowed = False
    for statement in listed(policy.get("Statement")):
        actions = listed(statement.get("Action"))
        resources = listed(statement.get("Resource"))
        if not any(fnmatch.fnmatchcase("execute-api:Invoke", a) for a in actions) or \
                not any(fnmatch.fnmatchcase(route_arn, r) for r in resources):
            continue
        if statement.get("Effect") == "Deny":
            return False
        allowed = allowed or statement.get("Effect") == "Allow"
    return allowed


def listed(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [] if value is None else [value]


def authorizer_answer(invoker: Invoker, model: Any,
                      event: dict[str, Any]) -> dict[str, Any] | None:
    """What the authorizer `model`'s function answers to `event` (policyDocument, principalId,
    context); None when it raised "Unauthorized", LookupError when it failed otherwise."""
    answer = invoker(function_arn(model.authorizer_uri or ""), json.dumps(event).encode())
    try:
        result = json.loads(answer.payload)
    except ValueError:
        result = {}
    result = result if isinstance(result, dict) else {}
    if answer.error:
        if result.get("errorMessage") == "Unauthorized":
            return None
        raise LookupError(f"Lambda authorizer {model.name} failed: {answer.payload[:300]!r}")
    return result
