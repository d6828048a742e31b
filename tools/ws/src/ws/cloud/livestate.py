"""What is deployed now: stacks of an environment read with one batched describe."""
from __future__ import annotations

import json
from typing import Any

from botocore.exceptions import ClientError

from ws.cloud.awserrors import message_of
from ws.config.environment import Environment
from ws.config.workspace import Workspace
from ws.graph.stackgraph import build_graph


def deployed_stacks(cfn: Any, names: set[str] | None) -> dict[str, dict[str, Any]]:
    """Live stacks (among `names`, or all), by name: one paginated DescribeStacks for all."""
    found = {}
    for page in cfn.get_paginator("describe_stacks").paginate():
        for stack in page["Stacks"]:
            wanted = names is None or stack["StackName"] in names
            if wanted and stack["StackStatus"] != "DELETE_COMPLETE":
                found[stack["StackName"]] = stack
    return found


def describe_one(cfn: Any, key: str) -> dict[str, Any] | None:
    """One stack by name or id as CloudFormation has it (a deleted one read by id too);
    None when it does not exist."""
    try:
        stacks = cfn.describe_stacks(StackName=key)["Stacks"]
    except ClientError as exc:
        if "does not exist" in message_of(exc):
            return None
        raise
    return stacks[0] if stacks else None


# ws's record of a deploy (fingerprint, its parts, commit, ws version) is a stack output, not a
# tag: CloudFormation propagates stack tags to every resource that takes tags, so a changing tag
# would touch every resource on each deploy; an output touches none.
RECORD_OUTPUT = "WsDeployRecord"


def outputs_of(stack: dict[str, Any]) -> dict[str, str]:
    """The stack's own outputs (ws's record left out)."""
    return {o["OutputKey"]: o.get("OutputValue", "") for o in stack.get("Outputs", [])
            if o["OutputKey"] != RECORD_OUTPUT}


def record_of(stack: dict[str, Any]) -> dict[str, str]:
    """ws's record of the stack's last deploy ({} where there is none or it is unreadable)."""
    for output in stack.get("Outputs", []):
        if output["OutputKey"] == RECORD_OUTPUT:
            try:
                record = json.loads(output.get("OutputValue", ""))
            except ValueError:
                return {}
            return {k: str(v) for k, v in record.items()} if isinstance(record, dict) else {}
    return {}


def tags_of(stack: dict[str, Any]) -> dict[str, str]:
    return {t["Key"]: t["Value"] for t in stack.get("Tags", [])}


def parameters_of(stack: dict[str, Any]) -> dict[str, str]:
    return {p["ParameterKey"]: p.get("ParameterValue", "") for p in stack.get("Parameters", [])}


def read_outputs(ws: Workspace, env: Environment, cfn: Any) -> dict[str, dict[str, str] | None]:
    """Each stack of the environment -> its outputs, or None where it is not deployed."""
    graph = build_graph(ws, env)
    names = {name: env.stack_name(name) for name in graph.order()}
    live = deployed_stacks(cfn, set(names.values()))
    result: dict[str, dict[str, str] | None] = {}
    for name, stack_name in names.items():
        stack = live.get(stack_name)
        result[name] = None if stack is None else outputs_of(stack)
    return result
