"""An HTTP API's Lambda authorizer (REQUEST, payload 1.0 or 2.0): the function is asked on
every request (no result cache); a simple response's isAuthorized, or its IAM policy, decides."""
from __future__ import annotations

import json
from typing import Any

from ws.local.apigw import httpevent, policies
from ws.local.apigw.lambdas import Invoker, function_arn


class Refused(Exception):
    """The request is not let through: 401 Unauthorized or 403 Forbidden."""

    def __init__(self, status: int) -> None:
        super().__init__("Unauthorized" if status == 401 else "Forbidden")
        self.status = status


def authorize(call: httpevent.Call, authorizer: Any, invoker: Invoker,
              identity: list[str]) -> dict[str, Any]:
    """requestContext.authorizer from the function's answer; Refused(403) when it denies."""
    route_arn = (f"arn:aws:execute-api:{call.region}:{call.account_id}:{call.api.api_id}/"
                 f"{call.stage_name}/{call.request.method}{call.path}")
    version = str(authorizer.auth_payload_format_version or "2.0")
    if version == "2.0":
        event = {**httpevent.event_v2(call, None), "type": "REQUEST", "routeArn": route_arn,
                 "identitySource": identity}
    else:
        event = {**httpevent.event_v1(call, None), "type": "REQUEST", "methodArn": route_arn,
                 "identitySource": ",".join(identity)}
    answer = invoker(function_arn(authorizer.authorizer_uri or ""), json.dumps(event).encode())
    try:
        result = json.loads(answer.payload)
    except ValueError:
        result = None
    if answer.error or not isinstance(result, dict):
        raise LookupError(f"Lambda authorizer {authorizer.name} failed: {answer.payload[:300]!r}")
    if authorizer.enable_simple_response and version == "2.0":
        allowed = result.get("isAuthorized") is True
    else:
        allowed = policies.policy_allows(result.get("policyDocument") or {}, route_arn)
    if not allowed:
        raise Refused(403)
    context = dict(result.get("context") or {})
    if version == "2.0":
        return {"lambda": context}
    return {**context, "principalId": result.get("principalId")}
