"""What a deploy to the local endpoint says of its functions: those that cannot run there, and
the layers of other accounts they will run without.

Read from the template as sent (SAM already expanded), so the user hears it when deploying,
not first when an invoke answers Runtime.Unsupported. Standard library only: the CLI imports it.
"""
from __future__ import annotations

from collections.abc import Collection
from typing import Any

from ws.local.lambdas.publiclayers import stand_in
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
    but those ws stands in for: the Lambda Web Adapter's (webadapter.py) and well-known
    public layers (publiclayers.py)."""
    return [(logical, arn) for logical, arn in _other_accounts(body, account)
            if stand_in(arn) is None]


def _other_accounts(body: dict[str, Any], account: str) -> list[tuple[str, str]]:
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


def standin_layers_line(body: dict[str, Any], account: str) -> str | None:
    """The stack's one line about public layers the endpoint stands in for, or None."""
    from ws.local.lambdas.publiclayerbuild import default_cache, installed_version
    cache = default_cache()
    found = sorted({(arn, standin.said(installed_version(standin, cache)))
                    for _, arn in _other_accounts(body, account)
                    if (standin := stand_in(arn)) is not None})
    if not found:
        return None
    listed = ", ".join(f"{arn} by {said}" for arn, said in found)
    return f"the local endpoint stands in for public layers: {listed}"


CUSTOM = ("AWS::CloudFormation::CustomResource", "Custom::")
STANDIN = "placeholder, created but not run locally: "  # the event's reason (unemulated.NOTE)
STARTS = ("CREATE_IN_PROGRESS", "UPDATE_IN_PROGRESS")


def has_custom_resources(body: dict[str, Any]) -> bool:
    return any(isinstance(r, dict) and str(r.get("Type", "")).startswith(CUSTOM)
               for r in (body.get("Resources") or {}).values())


def standin_line(events: list[dict[str, Any]], stack_name: str) -> str | None:
    """The stack's one line about its custom resources made placeholders by the operation
    that just ended (`events`: DescribeStackEvents', newest first), or None."""
    found = []
    for event in events:
        if event["LogicalResourceId"] == stack_name and event["ResourceStatus"] in STARTS:
            break
        reason = event.get("ResourceStatusReason") or ""
        if reason.startswith(STANDIN):
            found.append(f"{event['LogicalResourceId']} ({event.get('ResourceType')}: "
                         f"{reason[len(STANDIN):]})")
    if not found:
        return None
    return "placeholders, created but not run locally: " \
        f"{', '.join(sorted(found))}"


STRICT = "ws:placeholders"  # a custom resource's Metadata key: "error" (unemulated.strict)


def strict_custom_resources(body: dict[str, Any]) -> dict[str, Any]:
    """`body` with each custom resource marked so that the endpoint makes no placeholder of it
    (the environment's `placeholders: error`): its function's failure fails the stack."""
    resources = dict(body.get("Resources") or {})
    for logical, res in resources.items():
        if isinstance(res, dict) and str(res.get("Type", "")).startswith(CUSTOM):
            resources[logical] = {**res, "Metadata": {**(res.get("Metadata") or {}),
                                                      STRICT: "error"}}
    return {**body, "Resources": resources}
