"""`ws run TARGET...`: each selected stack's targets, by the deploy scheduler over the task
graph (a task starts when the tasks it depends on are done), each cached under its hash."""
from __future__ import annotations

import os
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Mapping

import networkx as nx

from ws.config.workspace import Workspace
from ws.engine import scheduler
from ws.engine.durations import load_durations, save_measured
from ws.errors import WsError
from ws.tasks.cache import Corrupt, Entry, LocalCache
from ws.tasks.commands import CommandRunner
from ws.tasks.files import file_hashes, inputs_of, matching
from ws.tasks.graph import split
from ws.tasks.hashing import task_hash
from ws.tasks.results import CACHED, FAILED, RAN, SKIPPED, TargetsReport, TaskResult

DURATIONS = ("run", "tasks")  # .ws/durations/run.tasks.json: seconds per task, last run
Runner = Callable[[object, Path, Mapping[str, str]], tuple[int, str]]


@dataclass(frozen=True)
class RunOptions:
    """How to run: at most `parallel` at once, stop starting on a failure, use the cache."""

    parallel: int = 0  # 0: one per CPU core
    fail_fast: bool = False
    use_cache: bool = True


@dataclass
class TaskObserver:
    """Told on the main thread as tasks start and end (the CLI prints from here)."""

    on_start: Callable[[str], None] = lambda task: None
    on_finish: Callable[[TaskResult], None] = lambda result: None


@dataclass
class _Context:
    ws: Workspace
    tasks: nx.DiGraph
    options: RunOptions
    runner: Runner
    environ: Mapping[str, str]
    cache: LocalCache
    clock: Callable[[], float]
    hashes: dict[str, str] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)


def local_cache(ws: Workspace) -> LocalCache:
    return LocalCache(ws.state_dir / "cache" / "run")


def run_tasks(ws: Workspace, tasks: nx.DiGraph, targets: tuple[str, ...],
              options: RunOptions = RunOptions(), observer: TaskObserver | None = None,
              runner: Runner | None = None, environ: Mapping[str, str] = os.environ,
              clock: Callable[[], float] = time.time,
              cache: LocalCache | None = None) -> TargetsReport:
    """Run every task of `tasks` (edges: what must be done first); a failure skips only the
    tasks that depend on it. `cache`: the local one by default (a SharedCache to share)."""
    observer = observer or TaskObserver()
    own = CommandRunner() if runner is None else None
    ctx = _Context(ws, tasks, options, runner or own, environ, cache or local_cache(ws), clock)
    report = TargetsReport(targets)
    began = clock()

    def finished(task: str, outcome: scheduler.Outcome) -> None:
        report.results.append(_result(task, outcome))
        observer.on_finish(report.results[-1])

    def interrupted(running: int) -> None:
        report.interrupted = True

    hooks = scheduler.Hooks(on_start=observer.on_start, on_finish=finished,
                            on_interrupt=interrupted,
                            on_abandon=lambda running: own.stop_all() if own else None)
    outcomes = scheduler.run(tasks, lambda task: _work(ctx, task),
                             concurrency=options.parallel or os.cpu_count() or 1,
                             weights=_weights(ws, tasks),
                             fail_fast=options.fail_fast, hooks=hooks, clock=clock,
                             expected=(WsError,))
    reported = {r.task for r in report.results}
    for task in nx.lexicographical_topological_sort(tasks):
        if task not in reported:
            finished(task, outcomes[task])
    report.seconds = clock() - began
    ctx.cache.memo.save()
    save_measured(ws.state_dir, DURATIONS[0], {r.task: round(r.saved or r.seconds, 3)
                                               for r in report.results if r.ok}, DURATIONS[1])
    notes = getattr(ctx.cache, "notes", [])
    report.notes = notes[:1] + ([f"(and {len(notes) - 1} more)"] if len(notes) > 1 else [])
    return report


def _weights(ws: Workspace, tasks: nx.DiGraph) -> dict[str, float]:
    """Each task's seconds last time (a task never timed: the mean of those that were), so
    the longest remaining path starts first."""
    known = load_durations(ws.state_dir, *DURATIONS)
    seen = [known[t] for t in tasks if t in known]
    usual = sum(seen) / len(seen) if seen else 1.0
    return {task: known.get(task, usual) for task in tasks}


def _result(task: str, outcome: scheduler.Outcome) -> TaskResult:
    if isinstance(outcome.value, TaskResult):
        return outcome.value
    stack, target = split(task)
    status = FAILED if outcome.status == scheduler.FAILED else SKIPPED
    seconds = (outcome.ended or 0.0) - (outcome.started or outcome.ended or 0.0)
    reason = ("interrupted while running: stopped" if outcome.status == scheduler.ABANDONED
              else outcome.reason)  # (the scheduler's own words speak of deploys)
    return TaskResult(stack, target, status, seconds, reason=reason)


def _work(ctx: _Context, task: str) -> TaskResult:
    """Replay the task's cached success if there is one, else run it (and cache a success)."""
    stack, name = split(task)
    started = ctx.clock()
    key = _hash(ctx, task)
    found, note = _cached(ctx, key) if ctx.options.use_cache else (None, "")
    if found is not None:
        return TaskResult(stack, name, CACHED, ctx.clock() - started, found.output, hash=key,
                          exit_code=0, saved=found.seconds)
    spec = ctx.ws.stacks[stack]
    target = spec.targets[name]
    folder = ctx.ws.root / spec.rel_dir
    environ = {**ctx.environ, "WS_STACK": stack, "WS_TARGET": name,
               "WS_ROOT": str(ctx.ws.root)}
    code, output = ctx.runner(target.command, folder, environ)
    seconds = ctx.clock() - started
    if code != 0:
        return TaskResult(stack, name, FAILED, seconds, output, f"exit code {code}", key, code,
                          note=note)
    try:
        produced = file_hashes(matching(folder, ctx.ws.root, target.outputs, "output"),
                               ctx.ws.root, ctx.cache.memo.sha) if target.outputs else {}
        ctx.cache.put(Entry(key, output, seconds, produced), ctx.ws.root)
    except OSError as exc:  # a full disk: the target succeeded all the same
        note = f"not cached: {exc.strerror or exc}"
    return TaskResult(stack, name, RAN, seconds, output, hash=key, exit_code=0, note=note)


def _hash(ctx: _Context, task: str) -> str:
    """The task's hash (its upstream tasks are done: their hashes are known)."""
    stack, name = split(task)
    spec = ctx.ws.stacks[stack]
    target = spec.targets[name]
    files = file_hashes(inputs_of(ctx.ws.root / spec.rel_dir, ctx.ws.root, target.inputs,
                                  target.outputs), ctx.ws.root, ctx.cache.memo.sha)
    with ctx.lock:
        upstream = {dep: ctx.hashes[dep] for dep in ctx.tasks.predecessors(task)}
    key = task_hash(stack, target, files, ctx.environ, upstream)
    with ctx.lock:
        ctx.hashes[task] = key
    return key


def _cached(ctx: _Context, key: str) -> tuple[Entry | None, str]:
    """The entry under `key`, its files restored; or None and why it was not used (a note)."""
    where = ctx.cache.entry_path(key).relative_to(ctx.ws.root)
    try:
        entry = ctx.cache.get(key)
        if entry is not None:
            ctx.cache.restore(entry, ctx.ws.root)
        return entry, ""
    except Corrupt as exc:
        return None, f"cache entry {where} ignored: {exc}"
    except OSError as exc:
        return None, f"cache entry {where} unreadable, ignored: {exc.strerror or exc}"
