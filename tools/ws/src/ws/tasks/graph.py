"""The task graph of `ws run`: a node per (stack, target), edges from dependsOn."""
from __future__ import annotations

from typing import Iterable

import networkx as nx

from ws.config.targets import Target
from ws.errors import ConfigError, UsageError


def task_id(stack: str, target: str) -> str:
    return f"{stack}:{target}"


def split(task: str) -> tuple[str, str]:
    stack, _, target = task.partition(":")
    return stack, target


def build_tasks(stacks: dict[str, dict[str, Target]], dag: nx.DiGraph,
                selected: Iterable[str], names: Iterable[str]) -> nx.DiGraph:
    """The requested targets of the selected stacks that have them, and every task they
    depend on (of any stack): `^t` is target t of the stacks upstream (through a stack that
    lacks t, its own upstreams), `t` is target t of the same stack."""
    tasks = nx.DiGraph()
    todo = [task_id(s, n) for s in selected for n in names if n in stacks.get(s, {})]
    tasks.add_nodes_from(todo)
    while todo:
        task = todo.pop()
        stack, target = split(task)
        for dep in _dependencies(stacks, dag, stack, stacks[stack][target]):
            if dep not in tasks:
                todo.append(dep)
            tasks.add_edge(dep, task)
    _check_acyclic(tasks, stacks)
    return tasks


def _dependencies(stacks: dict[str, dict[str, Target]], dag: nx.DiGraph, stack: str,
                  target: Target) -> list[str]:
    found = []
    for dep in target.depends_on:
        if dep.startswith("^"):
            found += [task_id(up, dep[1:]) for up in _upstream_with(stacks, dag, stack, dep[1:])]
        else:
            found.append(task_id(stack, dep))
    return found


def _upstream_with(stacks: dict[str, dict[str, Target]], dag: nx.DiGraph, stack: str,
                   name: str) -> list[str]:
    """The nearest stacks upstream of `stack` that have target `name`."""
    found, seen, todo = [], set(), list(dag.predecessors(stack)) if stack in dag else []
    while todo:
        up = todo.pop()
        if up in seen:
            continue
        seen.add(up)
        if name in stacks.get(up, {}):
            found.append(up)
        else:
            todo += list(dag.predecessors(up))
    return sorted(found)


def _check_acyclic(tasks: nx.DiGraph, stacks: dict[str, dict[str, Target]]) -> None:
    try:
        cycle = nx.find_cycle(tasks)
    except nx.NetworkXNoCycle:
        return
    first = split(cycle[0][0])
    target = stacks[first[0]][first[1]]
    raise ConfigError("targets depend on each other in a circle: "
                      + " -> ".join([a for a, _ in cycle] + [cycle[0][0]]),
                      "remove one of these dependsOn entries", path=target.file, line=target.line)


def check_names(stacks: dict[str, dict[str, Target]], names: Iterable[str]) -> None:
    """Every requested target is declared by at least one stack."""
    known = sorted({t for targets in stacks.values() for t in targets})
    for name in names:
        if name not in known:
            raise UsageError(f"no stack has a target {name!r}",
                             f"targets: {', '.join(known) or 'none (declare targets: in '}"
                             + ("" if known else "stack.yaml or workspace.yaml defaults)"))
