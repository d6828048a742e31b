"""Run work over a DAG: start each node as soon as its own upstreams succeed, bounded."""
from __future__ import annotations

import heapq
import threading
import time
import traceback
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from typing import Any, Callable

import networkx as nx

from ws.engine.interrupts import Interrupts

SUCCEEDED, FAILED, BLOCKED, NOT_RUN = "succeeded", "failed", "blocked", "not run"
ABANDONED = "abandoned"  # was running when the run stopped waiting for it (second Ctrl-C)
INTERRUPTED = "interrupted"


_current = threading.local()  # the running node's release, in the thread that runs its work


def release(value: Any = None) -> None:
    """Called by a node's work once its part is done and only reporting is left (reading a
    stack's events): its dependents start now, and its slot is free for another node; `value`
    is its outcome's if the run stops waiting before the work returns. The node finishes (its
    on_finish) when the work returns. Outside work run by `run`: nothing."""
    released: Future | None = getattr(_current, "released", None)
    if released is not None and not released.done():
        released.set_result(value)


class NotStarted(Exception):
    """Raised by work that has changed nothing yet when it learns that the run must start
    nothing new (interrupted, a lost lock): its node is "not run", as if never started."""


@dataclass
class Outcome:
    """What happened to one node."""

    status: str
    reason: str = ""
    value: Any = None
    started: float | None = None
    ended: float | None = None
    traceback: str = ""  # set when the work raised an unexpected exception (a bug)


@dataclass
class Hooks:
    """Callbacks the scheduler calls on the main thread."""

    on_start: Callable[[str], None] = lambda node: None
    on_finish: Callable[[str, Outcome], None] = lambda node, outcome: None
    on_interrupt: Callable[[int], None] = lambda running: None
    on_abandon: Callable[[list[str]], None] = lambda running: None  # stopped waiting for these
    stop_reason: Callable[[], str] = lambda: ""  # non-empty: start nothing new (a lost lock)
    on_tick: Callable[[], None] = lambda: None  # every turn of the loop (at least each 0.1 s)


def critical_path(dag: nx.DiGraph, weights: dict[str, float] | None = None) -> dict[str, float]:
    """For each node, the weighted length of the longest path from it to the end of the graph."""
    weights = weights or {}
    remaining: dict[str, float] = {}
    for node in reversed(list(nx.topological_sort(dag))):
        tail = max((remaining[s] for s in dag.successors(node)), default=0.0)
        remaining[node] = weights.get(node, 1.0) + tail
    return remaining


class _Run:
    """The bookkeeping of one run: ready heap by priority, unmet dependency counts."""

    def __init__(self, dag: nx.DiGraph, weights: dict[str, float] | None) -> None:
        self.dag = dag
        self.priority = critical_path(dag, weights)
        self.unmet = {n: dag.in_degree(n) for n in dag}
        self.heap = [(-self.priority[n], n) for n in dag if self.unmet[n] == 0]
        heapq.heapify(self.heap)
        self.outcomes: dict[str, Outcome] = {}
        self.running: dict[Future, str] = {}
        self.releases: dict[str, Future] = {}  # a running node's release, until it comes
        self.released: dict[str, tuple[Any, float]] = {}  # running nodes released: value, when
        self.began: dict[str, float] = {}  # when each node was started

    def busy(self) -> int:
        """Running nodes that hold a slot (not released)."""
        return len(self.running) - len(self.released)

    def start(self, node: str, future: Future, released: Future, at: float) -> None:
        self.running[future] = node
        self.releases[node] = released
        self.began[node] = at

    def release(self, node: str, value: Any, at: float) -> None:
        """Its work said its dependents may start: they are handed over as on success."""
        self.released[node] = (value, at)
        self._hand_over(node)

    def pop_ready(self, limit: int) -> list[str]:
        return [heapq.heappop(self.heap)[1] for _ in range(min(limit, len(self.heap)))]

    def finish(self, future: Future, outcome: Outcome) -> str:
        """The node whose work `future` ran, its outcome recorded."""
        node = self.running.pop(future)
        self.releases.pop(node, None)  # (never released)
        if node in self.released:  # its dependents were handed over already: the time it
            _, at = self.released.pop(node)  # ended is when it said so (reporting after)
            outcome.ended = at if outcome.status == SUCCEEDED else outcome.ended
            self.outcomes[node] = outcome
        else:
            self.record(node, outcome)
        return node

    def record(self, node: str, outcome: Outcome) -> None:
        self.outcomes[node] = outcome
        if outcome.status in (ABANDONED, NOT_RUN):
            return  # its dependents are simply not run: the run was interrupted
        if outcome.status != SUCCEEDED:
            for down in nx.descendants(self.dag, node):
                self.outcomes.setdefault(down, Outcome(BLOCKED, f"blocked by {node}"))
            return
        self._hand_over(node)

    def _hand_over(self, node: str) -> None:
        for down in self.dag.successors(node):
            self.unmet[down] -= 1
            if self.unmet[down] == 0 and down not in self.outcomes:
                heapq.heappush(self.heap, (-self.priority[down], down))

    def finish_unstarted(self, reason: str) -> None:
        for node in self.dag:
            self.outcomes.setdefault(node, Outcome(NOT_RUN, reason))


def run(dag: nx.DiGraph, work: Callable[[str], Any], *, concurrency: int,
        weights: dict[str, float] | None = None, fail_fast: bool = False,
        hooks: Hooks | None = None, clock: Callable[[], float] = time.time,
        expected: tuple[type[BaseException], ...] = ()) -> dict[str, Outcome]:
    """Run `work(node)` for every node; a failure blocks only that node's dependents.

    Among ready nodes the one with the longest (weighted) remaining path starts first. A
    work that calls `release()` hands over early: its dependents start and its slot is free
    while it finishes (its on_finish comes when it returns).
    A result whose `ok` attribute is False counts as a failure exactly like an exception. An
    exception of an `expected` type fails its node with its message; any other is a bug and
    keeps its traceback in the outcome.
    On Ctrl-C (or SIGTERM) no new node starts, running ones finish, and the rest are "not
    run"; a second one stops waiting at once: the running nodes are "abandoned" (hooks.on_abandon
    gets them, to cancel what can be cancelled) and the outcomes are returned as usual. The signal
    handler only counts: nothing is raised inside a lock or a condition wait.
    """
    hooks = hooks or Hooks()
    state = _Run(dag, weights)
    stop = ""
    # Released nodes still hold a thread while they report: twice the slots, so a start
    # never waits for a thread.
    pool = ThreadPoolExecutor(max_workers=2 * max(1, concurrency), thread_name_prefix="ws")
    with Interrupts() as interrupts:
        try:
            while True:
                if interrupts.count >= 2 and state.running:
                    _abandon(state, hooks, clock)
                    break
                if interrupts.count and stop != INTERRUPTED:
                    stop = INTERRUPTED
                    hooks.on_interrupt(len(state.running))
                if not stop:
                    stop = hooks.stop_reason()
                if not stop:
                    for node in state.pop_ready(concurrency - state.busy()):
                        hooks.on_start(node)
                        released: Future = Future()
                        state.start(node, pool.submit(_timed, work, node, clock, expected,
                                                      released), released, clock())
                if not state.running:
                    break
                done, _ = wait([*state.running, *state.releases.values()], timeout=0.1,
                               return_when=FIRST_COMPLETED)
                hooks.on_tick()
                for node in [n for n, f in state.releases.items() if f in done]:
                    state.release(node, state.releases.pop(node).result(), clock())
                for future in [f for f in done if f in state.running]:
                    node = state.finish(future, future.result())
                    if state.outcomes[node].status == FAILED and fail_fast:
                        stop = stop or "stopped by --fail-fast"
                    hooks.on_finish(node, state.outcomes[node])
        finally:
            pool.shutdown(wait=interrupts.count < 2, cancel_futures=True)
    if interrupts.count >= 2:
        stop = INTERRUPTED
    state.finish_unstarted(stop or "not started")
    return state.outcomes


def _abandon(state: _Run, hooks: Hooks, clock: Callable[[], float]) -> None:
    """Stop waiting for the running nodes: each is abandoned, its dependents blocked (one that
    was released has succeeded: only its report was left)."""
    running = sorted(n for n in state.running.values() if n not in state.released)
    for future, node in list(state.running.items()):
        future.cancel()
        if node in state.released:
            value, at = state.released.pop(node)
            state.outcomes[node] = Outcome(SUCCEEDED, "", value, state.began[node], at)
            hooks.on_finish(node, state.outcomes[node])
            continue
        state.record(node, Outcome(ABANDONED, "interrupted while running: ws stopped waiting "
                                   "(run ws deploy again to finish it)", ended=clock()))
    state.running.clear()
    state.releases.clear()
    hooks.on_abandon(running)
    for node in running:
        hooks.on_finish(node, state.outcomes[node])


def _timed(work: Callable[[str], Any], node: str, clock: Callable[[], float],
           expected: tuple[type[BaseException], ...], released: Future | None = None) -> Outcome:
    _current.released = released
    try:
        return _outcome(work, node, clock, expected)
    finally:
        _current.released = None


def _outcome(work: Callable[[str], Any], node: str, clock: Callable[[], float],
             expected: tuple[type[BaseException], ...]) -> Outcome:
    started = clock()
    try:
        value = work(node)
    except NotStarted as exc:
        return Outcome(NOT_RUN, str(exc), None, started, clock())
    except expected as exc:  # an error the work knows how to explain: its message is enough
        return Outcome(FAILED, str(exc) or type(exc).__name__, None, started, clock())
    except Exception as exc:  # noqa: BLE001 - a bug: fail this node only, keep the traceback
        return Outcome(FAILED, f"unexpected {type(exc).__name__}: {exc} (a bug in ws; "
                       "the traceback is in the JSON report, and shown with --debug)", None,
                       started, clock(), traceback.format_exc())
    if getattr(value, "ok", True) is False:
        return Outcome(FAILED, getattr(value, "reason", "") or "failed", value, started, clock())
    return Outcome(SUCCEEDED, "", value, started, clock())
