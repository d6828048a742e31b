"""The naive baseline: the same stacks deployed one at a time in topological order by a tiny
boto3 script with waiters (create, wait, next), as one would write without ws."""
from __future__ import annotations

import time
from typing import Any, Callable

import networkx as nx

from benchshapes import Shape, stack_config, template


def naive_name(shape: Shape, stack: str) -> str:
    return f"naive-{shape.name}-{stack}"


def deploy(cfn: Any, shape: Shape, poll: float) -> float:
    """Create every stack of `shape`, waiting for each; the seconds it took."""
    started = time.monotonic()
    outputs: dict[str, dict[str, str]] = {}
    waiter = cfn.get_waiter("stack_create_complete")
    for stack in nx.topological_sort(shape.dag):
        upstreams = sorted(shape.dag.predecessors(stack))
        values = {key: outputs[ref[2:-1].split(".")[0]]["Out"]
                  for key, ref in stack_config(upstreams)["parameters"].items()}
        name = naive_name(shape, stack)
        cfn.create_stack(StackName=name, TemplateBody=template(stack, upstreams),
                         Parameters=[{"ParameterKey": k, "ParameterValue": v}
                                     for k, v in values.items()])
        waiter.wait(StackName=name, WaiterConfig={"Delay": poll, "MaxAttempts": 10_000})
        found = cfn.describe_stacks(StackName=name)["Stacks"][0]
        outputs[stack] = {o["OutputKey"]: o["OutputValue"] for o in found.get("Outputs", [])}
    return time.monotonic() - started


def clean(cfn: Any, shape: Shape, poll: float,
          sleep: Callable[[float], None] = time.sleep) -> None:
    """Delete the baseline's stacks (all at once: not measured) and wait until they are gone."""
    names = {naive_name(shape, stack) for stack in shape.dag}
    for name in names:
        cfn.delete_stack(StackName=name)
    pages = cfn.get_paginator("describe_stacks")
    while any(s["StackName"] in names for page in pages.paginate() for s in page["Stacks"]):
        sleep(poll)
