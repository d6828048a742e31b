"""Deploy or destroy an environment's stacks in dependency order, in parallel where possible."""
from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, replace
from typing import Callable

import networkx as nx
from botocore.exceptions import BotoCoreError, ClientError

from ws.cloud.artifacts import Upload
from ws.cloud.awserrors import aws_problem
from ws.cloud.backend import Backend
from ws.cloud.changesets import ChangeSets
from ws.cloud.livestate import RECORD_OUTPUT, deployed_stacks, outputs_of
from ws.cloud.secrets import Secrets
from ws.cloud.stackops import StackOps, StackRequest, StackResult
from ws.cloud.watcher import Abandoned, Watcher, cadence
from ws.config import refs
from ws.config.environment import Environment
from ws.config.workspace import Workspace
from ws.engine import scheduler
from ws.engine.assets import publish_stack, unpublish_stack, unpublished
from ws.engine.decide import LATER, SKIP, decide
from ws.engine.durations import load_durations, save_durations, save_measured
from ws.engine.fingerprint import static_parts
from ws.engine.inputs import StackInputs, outside_outputs, resolve
from ws.engine.plan import Plan, select
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
    Timeline,
)
from ws.errors import UsageError, WsError
from ws.graph.stackgraph import StackGraph
from ws.package.prepare import Packaged, package_stacks

log = logging.getLogger(__name__)
# Errors a stack's work explains in one line; anything else is a bug and keeps its traceback.
EXPECTED = (WsError, ClientError, BotoCoreError)
OnEvent = Callable[[str, str], None]


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


def deploy(target: Target, plan: Plan, secrets: Secrets, request: RunRequest,
           observer: Observer = Observer(), clock: Clock = Clock(),
           timeline: Timeline | None = None) -> RunReport:
    """Execute `plan`: stacks it deploys are deployed, unchanged ones left alone, and the ones it
    decides later are decided (the same `decide`) once their upstreams' outputs are known."""
    timeline = timeline or Timeline(clock.now)
    ws, env, graph, backend = target.ws, target.env, target.graph, target.backend
    selected = plan.selected()
    stop = threading.Event()
    weights = load_durations(ws.state_dir, env.name)
    ops = _stack_ops(backend, clock, stop, _history(ws, env, UPDATES))
    with timeline.phase("packaging and builds"):
        packaged = package_stacks(ws, backend, plan.to_change())
    live = target.live or {}
    outputs = outside_outputs(graph, selected, env, live)
    outputs.update({n: outputs_of(live[env.stack_name(n)]) for n in selected
                    if plan[n].action == SKIP})
    with timeline.phase("secrets"):
        _read_secrets(secrets, graph, plan.to_change())
    started = clock.now()
    interrupted = threading.Event()  # a first Ctrl-C: running stacks finish, none starts
    ready = _ready(target.ready, stop,
                   lambda: "interrupted" if interrupted.is_set() else target.stop_reason())
    upload = _once(packaged.uploader)
    emit = _masked(observer.on_event, secrets)
    observer.on_execute(plan)

    def work(name: str) -> StackResult:
        current = live.get(env.stack_name(name))
        if plan[name].action == SKIP:
            return StackResult("unchanged", current["StackStatus"], outputs_of(current))
        inputs = resolve(ws, env, graph, name, outputs, secrets, static_parts(ws, env, name))
        if plan[name].action == LATER:
            later = decide(current, inputs)
            log.info("%s: %s", name, later.reason)
            if later.action == SKIP:
                return StackResult("unchanged", current["StackStatus"], outputs_of(current))
        say = lambda message: emit(name, message)  # noqa: E731
        result = _deploy_one(target, name, inputs, packaged, upload(), ops, request, secrets,
                             say, current, ready)
        if ws.stacks[name].assets:
            _publish(target, name, inputs, result, outputs,
                     lambda failed: _deploy_one(target, name, failed, packaged, upload(), ops,
                                                request, secrets, say, None, ready), say)
        return result

    def finished(name: str, outcome: scheduler.Outcome) -> None:
        if outcome.status == scheduler.SUCCEEDED:
            outputs[name] = outcome.value.outputs
        observer.on_finish(_report(env, name, outcome, deploying=True, mask=secrets.mask))

    def abandon(running: list[str]) -> None:
        """Stop waiting: running waits end at once; updates are cancelled where the target can
        (CloudFormation rolls them back; a create goes on and the next deploy settles it)."""
        _stop(stop, ops)
        if backend.can.cancels_updates:
            for name in running:
                ops.cancel_update(env.stack_name(name))

    try:
        report = _run(env, "deploy", graph.dag.subgraph(selected), work, finished, request,
                      observer, clock, started, graph, ws.concurrency, weights, abandon,
                      secrets.mask, target.stop_reason, interrupted)
    finally:
        _close(ops)
    save_durations(ws.state_dir, env.name, report)
    _save_history(ws, env, ops, UPDATES)
    return report


def _deploy_one(target: Target, name: str, inputs: StackInputs, packaged: Packaged,
                upload: Upload, ops: StackOps, request: RunRequest, secrets: Secrets,
                emit: OnEvent, current: dict | None,
                ready: Callable[[], None] = lambda: None) -> StackResult:
    """Upload the stack's artifacts and template, then create or update it (`current`: the
    stack as read under the lock, so it is not described again)."""
    prepared = packaged.prepared[name]
    for key, data in prepared.uploads.items():
        upload(key, data)
    record = inputs.fingerprint.record(target.commit, target.version)
    body = prepared.with_outputs({RECORD_OUTPUT: {
        "Description": "ws: fingerprint, commit and version of this deploy", "Value": record}})
    parameters = secrets.resolved(inputs.substituted)  # values only for a stack that deploys
    req = StackRequest(target.env.stack_name(name), packaged.template_argument(body, upload),
                       parameters, inputs.tags, prepared.capabilities,
                       termination_protection=target.env.protected, stack=name,
                       recreate=name in request.recreate)
    backend = target.backend
    try:
        # An existing stack through a change set: see the changes first, guard stateful
        # resources. A new one is created at once (one call instead of a change set to make,
        # wait for and execute: nothing exists yet to guard or to compare with).
        if backend.can.change_sets and current is not None:
            sqs = backend.client("sqs")
            return ChangeSets(ops, sqs).deploy(name, req, emit, request.allow_replace, current,
                                               ready=ready)
        ready()
        return ops.deploy(req, emit, current)
    except ClientError as exc:
        raise aws_problem(exc) or exc from None


def _publish(target: Target, name: str, inputs: StackInputs, result: StackResult,
             outputs: dict[str, dict[str, str]], redeploy: Callable[[StackInputs], StackResult],
             emit: Callable[[str], None]) -> None:
    """Publish the stack's assets after it deployed (outputs -> assets -> fingerprint). The
    fingerprint was recorded with the stack; if publishing fails it is recorded again as
    unpublished, so that the next `--changed` publishes again."""
    try:
        publish_stack(target.ws, target.env, target.backend, name, result.outputs, outputs,
                      emit)
    except EXPECTED:
        try:
            redeploy(replace(inputs, fingerprint=unpublished(inputs.fingerprint)))
        except EXPECTED as exc:
            log.warning("%s: recording the unpublished assets failed: %s", name, exc)
        raise


def _stack_ops(backend: Backend, clock: Clock, stop: threading.Event,
               history: dict[str, float] | None = None) -> StackOps:
    """Stack operations of one run; on an asynchronous target one watcher (cadence from the
    `history` of durations by stack name) waits for all of them."""
    cfn = backend.client("cloudformation")
    watcher = Watcher(cfn, cadence(history or {}), stop) if backend.can.asynchronous else None
    return StackOps(cfn, synchronous=backend.synchronous, sleep=_until(stop, clock.sleep),
                    poll=0.2 if backend.synchronous else 5.0, watcher=watcher)


UPDATES, DELETES = "create-update", "delete"  # operation kinds with a duration history each


def _history(ws: Workspace, env: Environment, kind: str) -> dict[str, float]:
    """How long CloudFormation's operations on each stack took before, by stack name."""
    return {env.stack_name(n): s for n, s in load_durations(ws.state_dir, env.name, kind).items()}


def _save_history(ws: Workspace, env: Environment, ops: StackOps, kind: str) -> None:
    """Record how long this run's operations took, for the next run's watcher."""
    if ops.watcher is not None:
        names = {env.stack_name(n): n for n in ws.stacks}
        save_measured(ws.state_dir, env.name, {names[s]: took for s, took in
                                                ops.watcher.took.items() if s in names}, kind)


def _close(ops: StackOps) -> None:
    """The run is over: its watcher's thread ends."""
    if ops.watcher is not None:
        ops.watcher.close()


def _stop(stop: threading.Event, ops: StackOps) -> None:
    """Stop waiting: sleeps end at once and the watcher wakes its waiters."""
    stop.set()
    if ops.watcher is not None:
        ops.watcher.wake()


def _until(stop: threading.Event, sleep: Callable[[float], None]) -> Callable[[float], None]:
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


def _ready(check: Callable[[float | None], bool], stop: threading.Event,
           halted: Callable[[], str] = lambda: "") -> Callable[[], None]:
    """Wait for the template check, but no longer than the run waits (a second Ctrl-C). Then,
    just before the stack changes, it does not start after all if the run has been told to
    start nothing new (`halted`: a first Ctrl-C, a lost lock): it is "not run"."""
    def wait() -> None:
        while not check(0.1):
            if stop.is_set():
                raise Abandoned("stopped waiting")
        if stop.is_set():
            raise Abandoned("stopped waiting")
        reason = halted()
        if reason:
            raise scheduler.NotStarted(f"not started: {reason}")
    return wait


def _once(make: Callable[[], Upload]) -> Callable[[], Upload]:
    """`make` called on first use only (the bucket is made when something is uploaded)."""
    made: list[Upload] = []
    lock = threading.Lock()

    def get() -> Upload:
        with lock:
            if not made:
                made.append(make())
            return made[0]
    return get


def _masked(on_event: OnEvent, secrets: Secrets) -> OnEvent:
    return lambda stack, message: on_event(stack, secrets.mask(message))


def _read_secrets(secrets: Secrets, graph: StackGraph, names: list[str]) -> None:
    """Check, before anything deploys, every secret whose name needs no upstream output
    (its version only: values are read when a stack deploys)."""
    values = [v for name in names for v in graph.params[name].values()]
    secrets.prepare(values)
    for value in values:
        found = refs.secret_of(value)
        if found and not refs.parse(value):
            secrets.version(*found)


def destroy(target: Target, request: RunRequest, observer: Observer = Observer(),
            clock: Clock = Clock()) -> RunReport:
    """Delete the environment's stacks, dependents before what they depend on."""
    started = clock.now()
    env, graph = target.env, target.graph
    selected = select(graph, request.selection.stacks)
    stop = threading.Event()
    ops = _stack_ops(target.backend, clock, stop, _history(target.ws, env, DELETES))
    live = target.live if target.live is not None else deployed_stacks(ops.cfn, None)
    _check_protection(live, env, selected, request.unprotect)
    observer.on_execute(Plan(env.name, ()))

    def work(name: str) -> StackResult:
        say = lambda message: observer.on_event(name, message)  # noqa: E731
        if target.ws.stacks[name].assets:
            _unpublish(target, name, live.get(env.stack_name(name)), say)
        return ops.delete(env.stack_name(name), say, unprotect=request.unprotect,
                          known=live.get(env.stack_name(name)))

    def finished(name: str, outcome: scheduler.Outcome) -> None:
        observer.on_finish(_report(env, name, outcome, deploying=False))

    reverse = graph.dag.subgraph(selected).reverse(copy=True)
    try:
        report = _run(env, "destroy", reverse, work, finished, request, observer, clock,
                      started, graph, target.ws.concurrency, {}, lambda running: _stop(stop, ops),
                      stop_reason=target.stop_reason)
    finally:
        _close(ops)
    _save_history(target.ws, env, ops, DELETES)
    return report


def _unpublish(target: Target, name: str, stack: dict | None,
               emit: Callable[[str], None]) -> None:
    """Empty what ws published to the stack's buckets (`stack` as read at the start), so that
    the stack can be deleted."""
    if stack is None:
        return
    count = unpublish_stack(target.ws, target.env, target.backend, name, outputs_of(stack))
    emit(f"assets: {count} published object(s) deleted")


def _check_protection(live: dict[str, dict], env: Environment, selected: list[str],
                      unprotect: bool) -> None:
    """Refuse, before deleting anything, to destroy stacks with termination protection."""
    protected = [env.stack_name(n) for n in selected
                 if live.get(env.stack_name(n), {}).get("EnableTerminationProtection")]
    if protected and not unprotect:
        raise UsageError(f"termination protection is on for {', '.join(protected)}",
                         f"to delete them anyway: ws destroy --env {env.name} "
                         "--disable-termination-protection")


def _run(env: Environment, action: str, dag: nx.DiGraph, work: Callable[[str], StackResult],
         finished: Callable[[str, scheduler.Outcome], None], request: RunRequest,
         observer: Observer, clock: Clock, started: float,
         graph: StackGraph, default_concurrency: int, weights: dict[str, float],
         abandon: Callable[[list[str]], None] = lambda running: None,
         mask: Callable[[str], str] = str,
         stop_reason: Callable[[], str] = lambda: "",
         interrupted: threading.Event | None = None) -> RunReport:
    running: set[str] = set()
    tracker = Tracker(dag, weights, started, clock.now)
    told = [0.0]  # when progress was last told

    def tell(at_once: bool = False) -> None:
        if at_once or clock.now() - told[0] >= 1.0:
            told[0] = clock.now()
            observer.on_progress(tracker.progress())

    def start(name: str) -> None:
        running.add(name)
        tracker.start(name)
        tell(at_once=True)

    def done(name: str, outcome: scheduler.Outcome) -> None:
        running.discard(name)
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
    reports = [_report(env, name, outcomes[name], deploying, mask)
               for name in nx.topological_sort(dag)]
    for item in reports:
        item.waited_for = sorted(dag.predecessors(item.stack))
        if item.status in (BLOCKED, NOT_RUN):  # never started, so never reported on finish
            observer.on_finish(item)
    reports += [StackReport(name, env.stack_name(name), SKIPPED, why)
                for name, why in graph.left_out().items()]
    interrupted = any(o.reason == scheduler.INTERRUPTED or o.status == scheduler.ABANDONED
                      for o in outcomes.values())
    return RunReport(action, env.name, reports, started, clock.now(), interrupted,
                     stop_reason())


def _interrupt(interrupted: threading.Event | None, observer: Observer, running: int) -> None:
    if interrupted is not None:
        interrupted.set()
    observer.on_interrupt(running)


def _report(env: Environment, name: str, outcome: scheduler.Outcome,
            deploying: bool, mask: Callable[[str], str] = str) -> StackReport:
    result: StackResult | None = outcome.value
    if outcome.status == scheduler.SUCCEEDED and result is not None:
        status = {"created": DEPLOYED, "updated": DEPLOYED, "unchanged": UNCHANGED,
                  "deleted": DELETED, "absent": ABSENT}[result.action]
        outputs = result.outputs if deploying else {}
        return StackReport(name, env.stack_name(name), status, "", outputs,
                           outcome.started, outcome.ended)
    status = {scheduler.FAILED: FAILED, scheduler.BLOCKED: BLOCKED,
              scheduler.ABANDONED: INTERRUPTED}.get(outcome.status, NOT_RUN)
    return StackReport(name, env.stack_name(name), status, mask(outcome.reason), {},
                       outcome.started, outcome.ended, traceback=mask(outcome.traceback))
