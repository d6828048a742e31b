"""What a deploy and a destroy share: the target they act on, stack operations waited for by
one watcher, waits that a second Ctrl-C ends, the scheduler's run over the graph turned into the
run's report, and how long CloudFormation's operations took, kept for the next run."""
from __future__ import annotations

import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Callable, Iterator

import networkx as nx
from botocore.exceptions import BotoCoreError, ClientError

from ws.cloud.backend import Backend
from ws.cloud.stackops import EXPRESS, StackOps, StackResult
from ws.cloud.watcher import EAGER, EXPRESS_EAGER, Abandoned, Watcher, cadence
from ws.config.environment import Environment
from ws.config.workspace import Workspace
from ws.engine import scheduler
from ws.engine.durations import load_durations, save_measured
from ws.engine.progress import Tracker
from ws.engine.request import Clock, Observer, RunRequest
from ws.engine.results import (
    ABSENT,
    BLOCKED,
    DELETED,
    DEPLOYED,
    FAILED,
    INTERRUPTED,
    NOT_RUN,
    SKIPPED,
    UNCHANGED,
    RunReport,
    StackReport,
)
from ws.errors import ConfigError, WsError
from ws.graph.stackgraph import StackGraph

# Errors a stack's work explains in one line; anything else is a bug and keeps its traceback.
EXPECTED = (WsError, ClientError, BotoCoreError)


@dataclass(frozen=True)
class Target:
    """Where a run acts and what it already knows: read once by the caller, passed down."""

    ws: Workspace
    env: Environment
    graph: StackGraph
    backend: Backend
    live: dict[str, dict] | None  # one batched read of the deployed stacks (None: not read)
    commit: str = ""  # the workspace's commit, recorded on every stack deployed
    version: str = ""  # ws's version, recorded likewise
    stop_reason: Callable[[], str] = lambda: ""  # non-empty (a lost lock): start nothing new
    # Waited for before a stack is created or changed (the template check): True once passed,
    # False while still running after `timeout` seconds; raises what it refused.
    ready: Callable[[float | None], bool] = lambda timeout=None: True
    # Hotswap ledgers by stack name (what runs since the stack's last CloudFormation deploy).
    swapped: dict[str, dict] = field(default_factory=dict)
    express: bool = False  # CloudFormation's express mode on every operation
    # A stack this run is done changing (its work succeeded): its lock goes back now.
    done: Callable[[str], None] = lambda name: None


@contextmanager
def operations(target: Target, clock: Clock, kind: str) -> Iterator[tuple[StackOps,
                                                                        threading.Event]]:
    """The run's stack operations of `kind`, and the event that, once set, ends their waits
    (stop_waiting). On an asynchronous target one watcher waits for all of them, at a cadence
    from how long earlier operations of that kind took (history: express mode's apart); its
    thread ends with the block, and when the block ends well how long this run's operations
    took is kept for the next run."""
    stop = threading.Event()
    backend = target.backend
    cfn = backend.client("cloudformation")
    express = target.express and backend.can.express
    kind = f"{kind}-express" if express else kind  # seconds where the standard mode takes minutes
    watcher = Watcher(cfn, cadence(history(target.ws, target.env, kind)), stop,
                      eager=EXPRESS_EAGER if express else EAGER) \
        if backend.can.asynchronous else None
    ops = StackOps(cfn, synchronous=backend.synchronous, sleep=until(stop, clock.sleep),
                   poll=0.2 if backend.synchronous else 5.0, watcher=watcher,
                   defer_events=watcher is not None,  # read after the hand-over: settled
                   mode=EXPRESS if express else {})
    try:
        yield ops, stop
    finally:
        if watcher is not None:
            watcher.close()
    _save_history(target.ws, target.env, ops, kind)


UPDATES, DELETES = "create-update", "delete"  # operation kinds with a duration history each


def history(ws: Workspace, env: Environment, kind: str) -> dict[str, float]:
    """How long CloudFormation's operations on each stack took before, by stack name."""
    return {env.stack_name(n): s for n, s in load_durations(ws.state_dir, env.name, kind).items()}


def _save_history(ws: Workspace, env: Environment, ops: StackOps, kind: str) -> None:
    """Record how long this run's operations took, for the next run's watcher."""
    if ops.watcher is not None:
        names = {env.stack_name(n): n for n in ws.stacks}
        save_measured(ws.state_dir, env.name, {names[s]: took for s, took in
                                                ops.watcher.took.items() if s in names}, kind)


def settled(ops: StackOps, stack_name: str, act: Callable[[], StackResult],
            done: Callable[[], None] = lambda: None) -> StackResult:
    """`act()` (the stack's work); when it succeeds, the stacks that depend on it may start
    (its slot is free) while its events are read and reported, then it is `done` (its lock
    goes back: by then its dependents' operations are under way) and the stack finishes.
    Events already waiting are reported whatever happens, never lost."""
    try:
        result = act()
    except BaseException:
        ops.report_events(stack_name)
        raise
    if result.ok:
        scheduler.release(result)
    ops.report_events(stack_name)
    if result.ok:
        done()
    return result


def stop_waiting(stop: threading.Event, ops: StackOps) -> None:
    """Stop waiting: sleeps end at once and the watcher wakes its waiters."""
    stop.set()
    if ops.watcher is not None:
        ops.watcher.wake()


def until(stop: threading.Event, sleep: Callable[[float], None]) -> Callable[[float], None]:
    """`sleep` that ends at once, raising Abandoned, when the run stops waiting (so no worker
    thread outlives an interrupted run by more than the call it is in)."""
    def wait(seconds: float) -> None:
        if sleep is time.sleep:
            stop.wait(seconds)
        elif not stop.is_set():
            sleep(seconds)
        if stop.is_set():
            raise Abandoned("stopped waiting")
    return wait


def ready_for(check: Callable[[float | None], bool], stop: threading.Event,
           halted: Callable[[], str] = lambda: "") -> Callable[[], None]:
    """Wait for the template check, but no longer than the run waits (a second Ctrl-C). Then,
    just before the stack changes, it does not start after all if the run has been told to
    start nothing new (`halted`: a first Ctrl-C, a lost lock): it is "not run". A template
    the check refused makes it "not run" too: the run ends with the refusal, said once (a
    check that crashed is a bug, raised as it is)."""
    def wait() -> None:
        try:
            while not check(0.1):
                if stop.is_set():
                    raise Abandoned("stopped waiting")
        except ConfigError:
            raise scheduler.NotStarted("not started: a template was refused") from None
        if stop.is_set():
            raise Abandoned("stopped waiting")
        reason = halted()
        if reason:
            raise scheduler.NotStarted(f"not started: {reason}")
    return wait


def run_graph(env: Environment, action: str, dag: nx.DiGraph,
              work: Callable[[str], StackResult],
              finished: Callable[[str, scheduler.Outcome], None], request: RunRequest,
              observer: Observer, clock: Clock, started: float,
              graph: StackGraph, default_concurrency: int, weights: dict[str, float],
              abandon: Callable[[list[str]], None] = lambda running: None,
              mask: Callable[[str], str] = str,
              stop_reason: Callable[[], str] = lambda: "",
              interrupted: threading.Event | None = None) -> RunReport:
    """`work` for every stack of `dag` under the scheduler (progress told to `observer`, each
    outcome to `finished`, a first Ctrl-C setting `interrupted`), as the run's report."""
    tracker = Tracker(dag, weights, started, clock.now)
    told = [0.0]  # when progress was last told

    def tell(at_once: bool = False) -> None:
        if at_once or clock.now() - told[0] >= 1.0:
            told[0] = clock.now()
            observer.on_progress(tracker.progress())

    def start(name: str) -> None:
        tracker.start(name)
        tell(at_once=True)

    def done(name: str, outcome: scheduler.Outcome) -> None:
        tracker.finish(name, outcome.status == scheduler.SUCCEEDED)
        finished(name, outcome)
        tell(at_once=True)
    hooks = scheduler.Hooks(on_start=start, on_finish=done,
                            on_interrupt=lambda running: _interrupt(interrupted, observer,
                                                                    running),
                            on_abandon=abandon,
                            stop_reason=stop_reason, on_tick=tell)
    outcomes = scheduler.run(dag, work, concurrency=request.concurrency or default_concurrency,
                             weights=weights, fail_fast=request.fail_fast, hooks=hooks,
                             clock=clock.now, expected=EXPECTED)
    deploying = action == "deploy"
    reports = [report_of(env, name, outcomes[name], deploying, mask)
               for name in nx.topological_sort(dag)]
    for item in reports:
        item.waited_for = sorted(dag.predecessors(item.stack))
        if item.status in (BLOCKED, NOT_RUN) and outcomes[item.stack].started is None:
            observer.on_finish(item)  # never started, so never reported on finish
    reports += [StackReport(name, env.stack_name(name), SKIPPED, why)
                for name, why in graph.left_out().items()]
    # A Ctrl-C that left something undone (not started, or started and stopped before it
    # changed anything, or abandoned) makes the run an interrupted one.
    stopped = interrupted is not None and interrupted.is_set()
    cut = any(o.reason == scheduler.INTERRUPTED or o.status == scheduler.ABANDONED
              or (stopped and o.status == scheduler.NOT_RUN) for o in outcomes.values())
    return RunReport(action, env.name, reports, started, clock.now(), cut, stop_reason())


def _interrupt(interrupted: threading.Event | None, observer: Observer, running: int) -> None:
    if interrupted is not None:
        interrupted.set()
    observer.on_interrupt(running)


def report_of(env: Environment, name: str, outcome: scheduler.Outcome,
            deploying: bool, mask: Callable[[str], str] = str) -> StackReport:
    result: StackResult | None = outcome.value
    if outcome.status == scheduler.SUCCEEDED and result is not None:
        status = {"created": DEPLOYED, "updated": DEPLOYED, "unchanged": UNCHANGED,
                  "deleted": DELETED, "absent": ABSENT, "hotswapped": DEPLOYED}[result.action]
        outputs = result.outputs if deploying else {}
        told = result.action == "hotswapped" or result.reason.startswith("through Cloud")
        reason = result.reason if told else ""  # how a --hotswap deploy went
        return StackReport(name, env.stack_name(name), status, reason, outputs,
                           outcome.started, outcome.ended)
    status = {scheduler.FAILED: FAILED, scheduler.BLOCKED: BLOCKED,
              scheduler.ABANDONED: INTERRUPTED}.get(outcome.status, NOT_RUN)
    return StackReport(name, env.stack_name(name), status, mask(outcome.reason), {},
                       outcome.started, outcome.ended, traceback=mask(outcome.traceback))
