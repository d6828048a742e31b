"""Run a deployed function or a scheduled rule now, through the service APIs (clients injected).

`ws local invoke` and `ws local trigger` call these through ws.localrun.
"""
from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from typing import Any

from botocore.exceptions import ClientError

from ws.config.yamlfile import check_depth
from ws.errors import UsageError
from ws.local.lambdas.scheduled import scheduled_event, target_payload

FUNCTION_TYPE = "AWS::Lambda::Function"
RULE_TYPE = "AWS::Events::Rule"


@dataclass(frozen=True)
class InvokeResult:
    """A function's answer: its payload (text), the FunctionError if any, its log tail."""

    function: str
    payload: str
    error: str | None
    log: str

    def as_dict(self) -> dict[str, Any]:
        return {"function": self.function, "payload": self.payload, "error": self.error}


def physical_id(cfn: Any, stack_name: str, logical_id: str, expected_type: str) -> str:
    """The physical id of `logical_id` in the deployed stack; bad input when the stack is not
    deployed, the resource is unknown or of another type."""
    try:
        found = cfn.describe_stack_resource(StackName=stack_name, LogicalResourceId=logical_id)
    except ClientError as exc:
        raise UsageError(f"{stack_name} has no deployed resource {logical_id}: "
                         f"{exc.response['Error'].get('Message', exc)}",
                         "deploy the stack first, and check the logical id in its template"
                         ) from None
    detail = found["StackResourceDetail"]
    if detail["ResourceType"] != expected_type:
        raise UsageError(f"{stack_name}.{logical_id} is a {detail['ResourceType']}, "
                         f"not a {expected_type}")
    return detail["PhysicalResourceId"]


def invoke(lam: Any, function: str, payload: str) -> InvokeResult:
    """Invoke synchronously; the payload and error as Lambda answered them."""
    answer = lam.invoke(FunctionName=function, Payload=payload.encode(), LogType="Tail")
    log = base64.b64decode(answer.get("LogResult") or b"").decode(errors="replace")
    return InvokeResult(function, answer["Payload"].read().decode(errors="replace"),
                        answer.get("FunctionError"), log)


def fire_rule(events: Any, lam: Any, rule_name: str, account: str,
              region: str) -> list[InvokeResult]:
    """Invoke every Lambda target of a rule now, with the scheduled event (or the target's
    constant Input), as EventBridge does when the schedule comes."""
    bus, _, name = rule_name.rpartition("|")  # a rule on a custom bus: bus|rule
    where = {"EventBusName": bus} if bus else {}
    rule = events.describe_rule(Name=name, **where)
    event = scheduled_event(rule["Arn"], account, region)
    targets = events.list_targets_by_rule(Rule=name, **where)["Targets"]
    lambdas = [t for t in targets if ":lambda:" in t["Arn"]]
    if not lambdas:
        raise UsageError(f"rule {rule_name} has no Lambda target to fire")
    return [invoke(lam, t["Arn"], target_payload(t, event)) for t in lambdas]


def payload_text(raw: str | None, read_file: Any) -> str:
    """The --payload option: JSON text, or @file; '{}' when absent. Bad JSON is bad input."""
    if raw is None:
        return "{}"
    text = read_file(raw[1:]) if raw.startswith("@") else raw
    try:
        check_depth(text, "--payload")
        json.loads(text)
    except ValueError as exc:
        raise UsageError(f"--payload is not JSON: {exc}") from None
    return text
