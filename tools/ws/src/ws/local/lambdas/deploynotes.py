"""What a deploy to the local endpoint says of its functions: those that cannot run there, and
the layers of other accounts they will run without.

Read from the template as sent (SAM already expanded), so the user hears it when deploying,
not first when an invoke answers Runtime.Unsupported. Standard library only: the CLI imports it.
"""
from __future__ import annotations

from collections.abc import Collection
from typing import Any

from ws.local.lambdas.spec import language
from ws.local.lambdas.webadapter import stands_in


def cannot_run(body: dict[str, Any], skip: Collection[str] = ()) -> list[tuple[str, str]]:
    """(logical id, runtime) of each function of `body` the local endpoint cannot run (`skip`:
    those the deploy names already, deployed with placeholder code)."""
    found = []
    for logical, resource in sorted((body.get("Resources") or {}).items()):
        if not isinstance(resource, dict) or resource.get("Type") != "AWS::Lambda::Function" \
                or logical in skip:
            continue
        props = resource.get("Properties") or {}
        runtime = props.get("Runtime")
        if props.get("PackageType") == "Image":
            found.append((logical, "a container image"))
        elif isinstance(runtime, str) and language(runtime) is None:
            found.append((logical, runtime))
    return found


def deploy_line(body: dict[str, Any], skip: Collection[str] = ()) -> str | None:
    """The stack's one line about them, or None when every function runs locally."""
    found = cannot_run(body, skip)
    if not found:
        return None
    listed = ", ".join(f"{logical} ({runtime})" for logical, runtime in found)
    return (f"the local endpoint runs Python and Node.js functions only: {listed} answer "
            "Runtime.Unsupported when invoked; test them on AWS")


def foreign_layers(body: dict[str, Any], account: str) -> list[tuple[str, str]]:
    """(logical id, layer ARN) of each layer of another account a function of `body` names,
    but the Lambda Web Adapter's, which ws stands in for (webadapter.py)."""
    found = []
    for logical, resource in sorted((body.get("Resources") or {}).items()):
        if not isinstance(resource, dict) or resource.get("Type") != "AWS::Lambda::Function":
            continue
        props = resource.get("Properties") or {}
        for arn in props.get("Layers") or []:
            parts = arn.split(":") if isinstance(arn, str) else []
            if len(parts) > 4 and parts[4] != account and not stands_in(props, arn):
                found.append((logical, arn))
    return found


def layer_line(body: dict[str, Any], account: str) -> str | None:
    """The stack's one line about layers the endpoint cannot fetch, or None."""
    found = foreign_layers(body, account)
    if not found:
        return None
    listed = ", ".join(f"{logical} runs without {arn}" for logical, arn in found)
    return f"the local endpoint cannot fetch another account's layers: {listed}"
