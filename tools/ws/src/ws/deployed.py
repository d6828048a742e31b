"""What is deployed now: stacks of an environment read with one batched describe."""
from __future__ import annotations

from typing import Any

from .environment import Environment
from .graph import build_graph
from .workspace import Workspace


def deployed_stacks(cfn: Any, names: set[str]) -> dict[str, dict[str, Any]]:
    """Live stacks among `names`, by name: one paginated DescribeStacks, not one call per stack."""
    found = {}
    for page in cfn.get_paginator("describe_stacks").paginate():
        for stack in page["Stacks"]:
            if stack["StackName"] in names and stack["StackStatus"] != "DELETE_COMPLETE":
                found[stack["StackName"]] = stack
    return found


def read_outputs(ws: Workspace, env: Environment, cfn: Any) -> dict[str, dict[str, str] | None]:
    """Each stack of the environment -> its outputs, or None where it is not deployed."""
    graph = build_graph(ws, env)
    names = {name: env.stack_name(name) for name in graph.order()}
    live = deployed_stacks(cfn, set(names.values()))
    result: dict[str, dict[str, str] | None] = {}
    for name, stack_name in names.items():
        stack = live.get(stack_name)
        result[name] = None if stack is None else {
            o["OutputKey"]: o.get("OutputValue", "") for o in stack.get("Outputs", [])}
    return result
