"""A CDK stack whose context uses references, synthesized again with their values (upstream
outputs, ${ws.*}) before it is fingerprinted, packaged or deployed."""
from __future__ import annotations

from dataclasses import replace

from ws.cdk.late import synthesized
from ws.config import refs
from ws.config.environment import Environment
from ws.config.workspace import Workspace
from ws.engine.inputs import output_value
from ws.graph.stackgraph import StackGraph


def with_context(ws: Workspace, env: Environment, graph: StackGraph, name: str,
                 outputs: dict[str, dict[str, str]]) -> Workspace:
    """`ws` with stack `name` synthesized with its context values filled in from `outputs`
    (`ws` itself for a stack without such context). DeployError when an output is missing."""
    stack = ws.stacks[name]
    if stack.late is None:
        return ws
    lookup = lambda ref: output_value(outputs, ref)  # noqa: E731
    values = {k: refs.substitute(v, lookup) for k, v in graph.context.get(name, {}).items()}
    done = synthesized(stack.late, values, ws.root)
    again = replace(stack, cdk=done.stack, template=done.stack.template, late=done.late)
    return replace(ws, stacks={**ws.stacks, name: again})
