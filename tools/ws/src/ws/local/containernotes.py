"""What a deploy to the local endpoint says of its ECS services: no container runs there (no
Docker, no registry), so a request through their load balancer answers 503 naming them.

Read from the template as sent, so the user hears it when deploying, once per stack, not first
from a route's 503. Standard library only: the CLI imports it.
"""
from __future__ import annotations

from typing import Any


def services(body: dict[str, Any]) -> list[tuple[str, list[str]]]:
    """(logical id, target groups it registers with) of each ECS service of `body`."""
    found = []
    for logical, resource in sorted((body.get("Resources") or {}).items()):
        if not isinstance(resource, dict) or resource.get("Type") != "AWS::ECS::Service":
            continue
        props = resource.get("Properties") or {}
        balancers = props.get("LoadBalancers") if isinstance(props, dict) else None
        groups = [_name(b.get("TargetGroupArn")) for b in balancers or [] if isinstance(b, dict)]
        found.append((logical, [g for g in groups if g]))
    return found


def container_line(body: dict[str, Any]) -> str | None:
    """The stack's one line about its ECS services, or None when it has none."""
    found = services(body)
    if not found:
        return None
    listed = ", ".join(f"{logical} (behind {', '.join(groups)})" if groups else logical
                       for logical, groups in found)
    if len(found) == 1:
        return (f"the local endpoint runs no containers: ECS service {listed} does not run; "
                "a request through its load balancer answers 503 naming it; test it on AWS")
    return (f"the local endpoint runs no containers: ECS services {listed} do not run; "
            "requests through their load balancers answer 503 naming them; test them on AWS")


def _name(value: Any) -> str | None:
    """The target group as the template names it (`!Ref TargetGroup`), or its ARN."""
    if isinstance(value, dict) and isinstance(value.get("Ref"), str):
        return value["Ref"]
    return value if isinstance(value, str) else None
