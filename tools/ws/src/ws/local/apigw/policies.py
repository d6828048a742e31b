"""The IAM policy a Lambda authorizer answers with, applied as API Gateway does."""
from __future__ import annotations

import fnmatch
from typing import Any


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
