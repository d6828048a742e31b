"""Delete orphaned stacks: deployed by this workspace to an environment, no longer in it."""
from __future__ import annotations

from typing import Any, Callable

from ws.cloud.livestate import deployed_stacks
from ws.cloud.stackops import StackOps, StackResult
from ws.config.environment import Environment
from ws.config.workspace import Workspace
from ws.engine.plan import PlanItem, orphans


def find_orphans(ws: Workspace, env: Environment, cfn: Any) -> list[PlanItem]:
    """Orphans, newest first: a stack is created after what it depends on, so deleting in
    reverse creation order deletes dependents first (orphans are no longer in the graph)."""
    live = deployed_stacks(cfn, None)
    found = orphans(ws, env, live)
    return sorted(found, key=lambda item: live[item.stack_name]["CreationTime"], reverse=True)


def prune(items: list[PlanItem], ops: StackOps, on_event: Callable[[str, str], None],
          halted: Callable[[], str] = lambda: "") -> dict[str, StackResult]:
    """Delete the given orphans one by one; stop at the first failure (dependencies unknown),
    or before the next one once `halted()` says why (a lost lock)."""
    results = {}
    for item in items:
        if halted():
            break
        result = ops.delete(item.stack_name, lambda message: on_event(item.stack, message))
        results[item.stack_name] = result
        if not result.ok:
            break
    return results
