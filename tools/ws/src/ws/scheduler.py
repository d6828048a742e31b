"""Run work over a DAG: start each node as soon as its own upstreams succeed, bounded."""
from __future__ import annotations

import time
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from typing import Any, Callable

import networkx as nx

SUCCEEDED, FAILED, BLOCKED, NOT_RUN = "succeeded", "failed", "blocked", "not run"


@dataclass
class Outcome:
    """What happened to one node."""

    status: str
    reason: str = ""
    value: Any = None
    started: float | None = None
    ended: float | None = None


@dataclass
class Hooks:
    """Callbacks the scheduler calls on the main thread."""

    on_start: Callable[[str], None] = lambda node: None
    on_finish: Callable[[str, Outcome], None] = lambda node, outcome: None


def critical_path(dag: nx.DiGraph, weights: dict[str, float] | None = None) -> dict[str, float]:
    """For each node, the weighted length of the longest path from it to the end of the graph."""
    weights = weights or {}
    remaining: dict[str, float] = {}
    for node in reversed(list(nx.topological_sort(dag))):
        tail = max((remaining[s] for s in dag.successors(node)), default=0.0)
        remaining[node] = weights.get(node, 1.0) + tail
    return remaining


class _Run:
    """The state of one scheduling run; only the calling thread touches it."""

    def __init__(self, dag: nx.DiGraph, priority: dict[str, float]) -> None:
        self.dag = dag
        self.priority = priority
        self.outcomes: dict[str, Outcome] = {}
        self.running: dict[Future, str] = {}

    def ready(self) -> list[str]:
        waiting = [n for n in self.dag if n not in self.outcomes and n not in self.running.values()]
        ready = [n for n in waiting
                 if all(self.outcomes.get(u, Outcome("")).status == SUCCEEDED
                        for u in self.dag.predecessors(n))]
        return sorted(ready, key=lambda n: (-self.priority[n], n))

    def block_dependents(self, node: str) -> None:
        for down in nx.descendants(self.dag, node):
            if down not in self.outcomes:
                self.outcomes[down] = Outcome(BLOCKED, f"blocked by {node}")

    def finish_unstarted(self, reason: str) -> None:
        for node in self.dag:
            self.outcomes.setdefault(node, Outcome(NOT_RUN, reason))


def run(dag: nx.DiGraph, work: Callable[[str], Any], *, concurrency: int,
        weights: dict[str, float] | None = None, fail_fast: bool = False,
        hooks: Hooks | None = None, clock: Callable[[], float] = time.time) -> dict[str, Outcome]:
    """Run `work(node)` for every node; a failure blocks only that node's dependents.

    A result whose `ok` attribute is False counts as a failure exactly like an exception.
    On KeyboardInterrupt no new node starts, running ones finish, and the rest are "not run";
    a second KeyboardInterrupt stops waiting and propagates.
    """
    hooks = hooks or Hooks()
    state = _Run(dag, critical_path(dag, weights))
    stop_reason = ""
    with ThreadPoolExecutor(max_workers=max(1, concurrency), thread_name_prefix="ws") as pool:
        while len(state.outcomes) < len(dag):
            if not stop_reason:
                for node in state.ready()[: max(0, concurrency - len(state.running))]:
                    hooks.on_start(node)
                    future = pool.submit(_timed, work, node, clock)
                    state.running[future] = node
            if not state.running:
                state.finish_unstarted(stop_reason or "not started")
                break
            try:
                done, _ = wait(list(state.running), return_when=FIRST_COMPLETED)
            except KeyboardInterrupt:
                if stop_reason:
                    raise
                stop_reason = "interrupted"
                continue
            for future in done:
                node = state.running.pop(future)
                outcome = future.result()
                state.outcomes[node] = outcome
                if outcome.status == FAILED:
                    state.block_dependents(node)
                    stop_reason = stop_reason or ("stopped by --fail-fast" if fail_fast else "")
                hooks.on_finish(node, outcome)
    return state.outcomes


def _timed(work: Callable[[str], Any], node: str, clock: Callable[[], float]) -> Outcome:
    started = clock()
    try:
        value = work(node)
    except Exception as exc:  # noqa: BLE001 - any failure of one node must not stop the others
        return Outcome(FAILED, str(exc) or type(exc).__name__, None, started, clock())
    if getattr(value, "ok", True) is False:
        return Outcome(FAILED, getattr(value, "reason", "") or "failed", value, started, clock())
    return Outcome(SUCCEEDED, "", value, started, clock())
