"""Follow a request through an ELBv2 load balancer as it forwards it: the listener on the port,
the first rule whose path pattern matches (else the default action), then the target group's
targets (ws.local.apigw.lbtargets)."""
from __future__ import annotations

import fnmatch
from typing import Any

from moto.elbv2.models import elbv2_backends

from ws.local.apigw import lbtargets
from ws.local.apigw.hops import Destination, Fixed, Unreachable


def find(arn: str) -> Any | None:
    """moto's load balancer `arn`, or the one a listener `arn` belongs to, in any account."""
    for regions in list(elbv2_backends.values()):
        for backend in list(regions.values()):
            for balancer in list(backend.load_balancers.values()):
                if balancer.arn == arn or arn in balancer.listeners:
                    return balancer
    return None


def through_balancer(arn: str, port: int, path: str,
                     seen: frozenset[str] = frozenset()) -> Destination:
    """Where load balancer `arn` sends a request to `port` for `path`."""
    balancer = find(arn)
    if balancer is None or arn in seen:
        raise Unreachable(f"load balancer {arn} is not on the local endpoint")
    listener = next((x for x in balancer.listeners.values() if int(x.port) == port), None)
    if listener is None:
        raise Unreachable(f"load balancer {balancer.name} has no listener on port {port}")
    return _act(listener, balancer, path, seen | {arn})


def through_listener(arn: str, path: str) -> Destination:
    """Where listener `arn` (an HTTP API's private integration names one) sends `path`."""
    balancer = find(arn)
    if balancer is None:
        raise Unreachable(f"listener {arn} is not on the local endpoint")
    return _act(balancer.listeners[arn], balancer, path, frozenset({balancer.arn}))


def _act(listener: Any, balancer: Any, path: str, seen: frozenset[str]) -> Destination:
    rules = sorted((r for r in listener.rules.values() if not r.is_default),
                   key=lambda r: int(r.priority))
    rule = next((r for r in rules if _matches(r.conditions, path)), None)
    actions = sorted(rule.actions if rule else listener.default_actions,
                     key=lambda a: int(a.data.get("Order") or 0))
    for action in actions:
        data = action.data
        if action.type == "fixed-response":
            fixed = data.get("FixedResponseConfig") or {}
            return Fixed(int(fixed.get("StatusCode") or 200),
                         fixed.get("ContentType") or "text/plain", fixed.get("MessageBody", ""))
        if action.type == "forward":
            def follow(arn: str, port: int) -> Destination:
                return through_balancer(arn, port, path, seen)
            return lbtargets.destination(_group(data), balancer, follow)
    kinds = ", ".join(a.type for a in actions) or "none"
    raise Unreachable(f"listener {listener.port} of load balancer {balancer.name}: action "
                      f"{kinds} is not followed locally")


def _group(data: dict[str, Any]) -> str:
    """The target group a forward action sends to (the heaviest of a weighted forward)."""
    if data.get("TargetGroupArn"):
        return data["TargetGroupArn"]
    groups = (data.get("ForwardConfig") or {}).get("TargetGroups") or []
    return max(groups, key=lambda g: int(g.get("Weight", 1)))["TargetGroupArn"]


def _matches(conditions: list[dict[str, Any]], path: str) -> bool:
    """A rule's path patterns match; a rule with a condition not checked here never does."""
    if not conditions:
        return False
    for condition in conditions:
        if condition.get("Field") != "path-pattern":
            return False
        values = condition.get("Values") or (condition.get("PathPatternConfig") or {}).get(
            "Values") or []
        if not any(fnmatch.fnmatchcase(path, v) for v in values):
            return False
    return True
