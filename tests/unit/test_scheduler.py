"""The scheduler on literal graphs: streaming order, failure isolation, fail-fast, bounds."""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass

import networkx as nx
from ws.engine import scheduler
from ws.engine.scheduler import BLOCKED, FAILED, NOT_RUN, SUCCEEDED, critical_path, run


@dataclass
class Result:
    ok: bool = True
    reason: str = ""


class Recorder:
    """Work that sleeps per node, records start order, and fails where told."""

    def __init__(self, delays=None, raise_on=(), return_fail=()):
        self.delays = delays or {}
        self.raise_on, self.return_fail = set(raise_on), set(return_fail)
        self.started: list[str] = []
        self.lock = threading.Lock()
        self.in_flight = self.peak = 0

    def __call__(self, node):
        with self.lock:
            self.started.append(node)
            self.in_flight += 1
            self.peak = max(self.peak, self.in_flight)
        time.sleep(self.delays.get(node, 0.01))
        with self.lock:
            self.in_flight -= 1
        if node in self.raise_on:
            raise RuntimeError(f"{node} broke")
        return Result(ok=node not in self.return_fail, reason=f"{node} returned failure")


def statuses(outcomes):
    return {n: o.status for n, o in outcomes.items()}


def test_dependencies_run_first():
    dag = nx.DiGraph([("a", "b"), ("b", "c"), ("a", "d")])
    work = Recorder()
    outcomes = run(dag, work, concurrency=1)
    assert set(statuses(outcomes).values()) == {SUCCEEDED}
    assert work.started.index("a") < work.started.index("b") < work.started.index("c")


def test_a_stack_starts_when_its_own_dependencies_finish_not_its_level():
    # slow -> x ; fast -> y -> z : z must not wait for slow (no waves)
    dag = nx.DiGraph([("slow", "x"), ("fast", "y"), ("y", "z")])
    work = Recorder(delays={"slow": 0.5})
    run(dag, work, concurrency=4)
    assert work.started.index("z") < work.started.index("x")


def test_raised_failure_blocks_only_dependents():
    dag = nx.DiGraph([("a", "b"), ("b", "c"), ("x", "y")])
    outcomes = run(dag, Recorder(raise_on={"a"}), concurrency=2, expected=(RuntimeError,))
    assert statuses(outcomes) == {"a": FAILED, "b": BLOCKED, "c": BLOCKED, "x": SUCCEEDED,
                                  "y": SUCCEEDED}
    assert outcomes["a"].reason == "a broke" and outcomes["c"].reason == "blocked by a"
    assert outcomes["a"].traceback == ""  # an expected error explains itself


def test_an_unexpected_exception_is_a_bug_with_its_traceback():
    def work(node):
        return {}["StackStatus"]  # a KeyError: the kind of bug that used to read "'StackStatus'"
    outcomes = run(nx.DiGraph([("a", "b")]), work, concurrency=1, expected=(RuntimeError,))
    assert outcomes["a"].status == FAILED and outcomes["b"].status == BLOCKED
    assert outcomes["a"].reason.startswith("unexpected KeyError: 'StackStatus' (a bug in ws")
    assert "Traceback (most recent call last)" in outcomes["a"].traceback
    assert 'return {}["StackStatus"]' in outcomes["a"].traceback


def test_returned_failure_is_treated_like_a_raised_one():
    dag = nx.DiGraph([("a", "b"), ("x", "y")])
    outcomes = run(dag, Recorder(return_fail={"a"}), concurrency=2)
    assert statuses(outcomes) == {"a": FAILED, "b": BLOCKED, "x": SUCCEEDED, "y": SUCCEEDED}
    assert outcomes["a"].reason == "a returned failure"


def test_fail_fast_starts_nothing_new_but_lets_running_finish():
    dag = nx.DiGraph()
    dag.add_edges_from([("bad", "after"), ("long", "later")])
    work = Recorder(delays={"long": 0.3, "bad": 0.01}, raise_on={"bad"})
    outcomes = run(dag, work, concurrency=2, fail_fast=True)
    assert statuses(outcomes) == {"bad": FAILED, "after": BLOCKED, "long": SUCCEEDED,
                                  "later": NOT_RUN}


def test_concurrency_bound_is_respected():
    dag = nx.DiGraph()
    dag.add_nodes_from(f"n{i}" for i in range(8))
    work = Recorder(delays={f"n{i}": 0.05 for i in range(8)})
    run(dag, work, concurrency=3)
    assert work.peak == 3


def test_longest_remaining_path_goes_first():
    dag = nx.DiGraph([("a", "b"), ("b", "c")])
    dag.add_node("lonely")
    assert critical_path(dag) == {"a": 3.0, "b": 2.0, "c": 1.0, "lonely": 1.0}
    work = Recorder()
    run(dag, work, concurrency=1)
    assert work.started[0] == "a"
    assert critical_path(dag, {"lonely": 10})["lonely"] == 10


def test_hooks_run_for_each_node():
    dag = nx.DiGraph([("a", "b")])
    seen = []
    hooks = scheduler.Hooks(on_start=lambda n: seen.append(("start", n)),
                            on_finish=lambda n, o: seen.append((o.status, n)))
    run(dag, Recorder(), concurrency=1, hooks=hooks)
    assert seen == [("start", "a"), (SUCCEEDED, "a"), ("start", "b"), (SUCCEEDED, "b")]


def test_interrupt_lets_running_work_finish_and_starts_nothing_new():
    import os
    import signal

    dag = nx.DiGraph([("a", "b")])
    dag.add_node("c")
    interrupts = []

    def work(node):
        if node == "a":
            os.kill(os.getpid(), signal.SIGINT)  # Ctrl-C while a runs
            time.sleep(0.2)
        return Result()

    hooks = scheduler.Hooks(on_interrupt=interrupts.append)
    outcomes = run(dag, work, concurrency=1, hooks=hooks)
    assert statuses(outcomes) == {"a": SUCCEEDED, "b": NOT_RUN, "c": NOT_RUN}
    assert outcomes["b"].reason == "interrupted" and interrupts == [1]


def test_a_stop_reason_starts_nothing_new_and_names_why():
    """The hook a lost lock uses: running work ends, nothing else starts."""
    dag = nx.DiGraph([("a", "b"), ("b", "c")])
    lost: list[str] = []

    def work(node):
        lost.append("lost the lock demo/local/b")
        return Result()
    outcomes = run(dag, work, concurrency=1,
                   hooks=scheduler.Hooks(stop_reason=lambda: lost[0] if lost else ""))
    assert outcomes["a"].status == SUCCEEDED
    assert [outcomes[n].status for n in "bc"] == [NOT_RUN, NOT_RUN]
    assert outcomes["b"].reason == "lost the lock demo/local/b"


def test_a_released_node_hands_over_and_frees_its_slot_before_it_finishes():
    """release(): a node whose own part is done lets its dependents (and, within the bound,
    any other node) start while it is still reporting; it finishes when its work returns."""
    dag = nx.DiGraph([("a", "b")])
    dag.add_node("c")
    order, finished = [], []
    gate = threading.Event()

    def work(node):
        order.append(f"{node} starts")
        if node == "a":
            scheduler.release(Result())
            assert gate.wait(5), "b and c never started while a was reporting"
            order.append("a reported")
        elif not gate.is_set() and len(order) >= 3:  # b and c both started: a may go on
            gate.set()
        return Result()
    hooks = scheduler.Hooks(on_finish=lambda node, outcome: finished.append(node))
    outcomes = run(dag, work, concurrency=1, hooks=hooks, weights={"a": 2.0})
    assert set(statuses(outcomes).values()) == {SUCCEEDED}
    assert order.index("b starts") < order.index("a reported")
    assert order.index("c starts") < order.index("a reported")  # its slot was free
    assert sorted(finished) == ["a", "b", "c"]  # a too, when its work returned
    assert outcomes["a"].ended <= outcomes["b"].started  # it ended when it said so


def test_a_released_node_that_then_fails_blocks_nothing_already_handed_over():
    dag = nx.DiGraph([("a", "b")])

    def work(node):
        if node == "a":
            scheduler.release(Result())
            time.sleep(0.2)
            raise RuntimeError("reporting broke")
        return Result()
    outcomes = run(dag, work, concurrency=2)
    assert statuses(outcomes) == {"a": FAILED, "b": SUCCEEDED}
    assert "reporting broke" in outcomes["a"].reason and outcomes["a"].traceback


def test_a_second_interrupt_leaves_a_released_node_succeeded_not_abandoned():
    import os
    import signal

    dag = nx.DiGraph([("a", "b")])
    abandoned = []

    def work(node):
        if node == "a":
            scheduler.release(Result())
            time.sleep(1.0)  # still reporting when the run stops waiting
        else:
            for _ in range(2):  # (apart: signals sent at once are delivered as one)
                os.kill(os.getpid(), signal.SIGINT)
                time.sleep(0.15)
            time.sleep(1.0)
        return Result()
    outcomes = run(dag, work, concurrency=1, hooks=scheduler.Hooks(on_abandon=abandoned.extend))
    assert statuses(outcomes) == {"a": SUCCEEDED, "b": scheduler.ABANDONED}
    assert abandoned == ["b"] and outcomes["a"].started <= outcomes["a"].ended


def test_release_outside_a_run_does_nothing():
    scheduler.release(Result())  # (work called directly, as tests and `ws diff` do)
