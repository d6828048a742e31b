"""Library entry points for running deployed code on demand: `ws local invoke` and
`ws local trigger` (STACK.LogicalId addresses a resource of a workspace stack)."""
from __future__ import annotations

from pathlib import Path

from ws.config.environment import load_environment
from ws.config.workspace import find_root, load_workspace
from ws.cloud.backend import Backend, connect
from ws.errors import UsageError
from ws.local import triggers
from ws.local.triggers import InvokeResult


def parse_target(target: str, stacks: set[str]) -> tuple[str, str]:
    """(stack, logical id) from STACK.LogicalId; bad input when malformed or unknown."""
    stack, dot, logical = target.partition(".")
    if not dot or not stack or not logical:
        raise UsageError(f"{target!r} is not STACK.LogicalId", "e.g. catalog.UpdaterFunction")
    if stack not in stacks:
        raise UsageError(f"no stack {stack!r} in this workspace",
                         f"stacks: {', '.join(sorted(stacks))}")
    return stack, logical


def invoke_function(start: Path, env_name: str, target: str, payload: str,
                    owner: str | None = None) -> InvokeResult:
    """Invoke the function STACK.LogicalId of the environment with a JSON payload."""
    backend, name = _located(start, env_name, target, owner, triggers.FUNCTION_TYPE)
    return triggers.invoke(backend.client("lambda"), name, payload)


def trigger_rule(start: Path, env_name: str, target: str,
                 owner: str | None = None) -> list[InvokeResult]:
    """Fire the scheduled rule STACK.LogicalId now: each Lambda target's answer."""
    backend, rule = _located(start, env_name, target, owner, triggers.RULE_TYPE)
    return triggers.fire_rule(backend.client("events"), backend.client("lambda"), rule,
                              backend.account_id, backend.region)


def _located(start: Path, env_name: str, target: str, owner: str | None,
             kind: str) -> tuple[Backend, str]:
    """The environment's backend and the physical id of STACK.LogicalId (of type `kind`)."""
    ws = load_workspace(find_root(start), env_name)
    env = load_environment(ws, env_name, owner)
    stack, logical = parse_target(target, set(ws.stacks))
    backend = connect(ws, env)
    return backend, triggers.physical_id(backend.client("cloudformation"),
                                         env.stack_name(stack), logical, kind)
