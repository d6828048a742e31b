"""A project's stacks tried together (--project, and a DIR that is a ws workspace): in the
graph's order, up for their dependents, destroyed together at the end (for bench_corpus.py)."""
from __future__ import annotations

import json
import sys
from pathlib import Path

from corpus_deploy import first_error, try_stack
from corpus_result import StackResult, fail
from corpus_ws import clients, endpoint_info, stack_exists, ws


def workspace_stacks(root: Path) -> dict[str, StackResult]:
    done = ws(root, "graph", "--env", "local", "--format", "json")
    if done.returncode != 0:
        sys.exit(f"{root}: ws graph failed: {done.stderr.strip()}")
    order = json.loads(done.stdout)["stacks"]
    return {name: StackResult(name, name) for name in order}


def graph_order(root: Path, names: list[str]) -> list[str]:
    done = ws(root, "graph", "--env", "local", "--format", "json")
    if done.returncode != 0:
        return names
    order = [n for n in json.loads(done.stdout)["stacks"] if n in names]
    return order + [n for n in names if n not in order]


def destroy_all(root: Path, results: list[StackResult], names: dict[str, str]) -> None:
    """`ws destroy` of the whole workspace, as a project's team would; each stack checked."""
    info = endpoint_info(root)
    done = ws(root, "destroy", "--env", "local", "--yes")
    cfn = clients(info["url"])("cloudformation") if info else None
    for result in results:
        if not names.get(result.name):
            continue
        result.destroyed = done.returncode == 0 and cfn is not None and not stack_exists(
            cfn, names[result.name])
        if not result.destroyed:
            fail(result, "destroy", {"LogicalResourceId": result.name}, "destroy: " + (
                first_error(done, None, result.name) if done.returncode
                else "the stack is still there"))


def try_together(root: Path, results: list[StackResult], pids: set[int]) -> None:
    """Each stack deployed and tried in turn, left up for its dependents; then `ws destroy`
    of them all."""
    deployed = {r.name: try_stack(root, r, pids, destroy=False) or "" for r in results}
    destroy_all(root, results, deployed)
