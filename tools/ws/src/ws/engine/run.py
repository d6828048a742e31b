"""Deploy or destroy an environment's stacks in dependency order, in parallel where possible."""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Callable

import networkx as nx
from botocore.exceptions import ClientError

from ws.cloud.awserrors import aws_problem
from ws.cloud.backend import Backend
from ws.cloud.changesets import ChangeSets
from ws.cloud.livestate import deployed_stacks, outputs_of, tags_of
from ws.cloud.secrets import Secrets
from ws.cloud.stackops import GOOD, StackOps, StackRequest, StackResult
from ws.config import refs
from ws.config.environment import Environment
from ws.config.workspace import Workspace
from ws.engine import scheduler
from ws.engine.durations import load_durations, save_durations
from ws.engine.fingerprint import FINGERPRINT_TAG, Fingerprint, fingerprint, static_parts
from ws.engine.inputs import names_to_read, outside_outputs, substitute
from ws.engine.results import (
    ABSENT,
    BLOCKED,
    DELETED,
    DEPLOYED,
    FAILED,
    NOT_RUN,
    SKIPPED,
    UNCHANGED,
    RunReport,
    StackReport,
)
from ws.errors import UsageError
from ws.graph.stackgraph import StackGraph, build_graph
from ws.package.prepare import package_stacks

OnEvent = Callable[[str, str], None]


@dataclass
class RunOptions:
    """What the user asked for, beyond the environment."""

    stacks: tuple[str, ...] | None = None  # None: every stack
    concurrency: int | None = None
    fail_fast: bool = False
    on_event: OnEvent = lambda stack, message: None
    on_finish: Callable[[StackReport], None] = lambda report: None
    on_interrupt: Callable[[int], None] = lambda running: None
    changed: bool = False
    unprotect: bool = False  # destroy: turn termination protection off first
    allow_replace: frozenset[str] = frozenset()  # STACK.LOGICAL_ID a deploy may replace/remove
    recreate: frozenset[str] = frozenset()  # stacks left unusable a deploy may delete and recreate
    lock_timeout: float = 600.0  # seconds to wait for another run's lock on the environment
    on_lock_wait: Callable[[str], None] = lambda holder: None
    stop_reason: Callable[[], str] = lambda: ""  # non-empty: start nothing new, fail the run
    clock: Callable[[], float] = time.time
    sleep: Callable[[float], None] = field(default=time.sleep)


def select(graph: StackGraph, names: tuple[str, ...] | None) -> list[str]:
    """The stacks to act on: all of the graph (None), or the named ones (which must be in it)."""
    if names is None:
        return graph.order()
    left_out = graph.left_out()
    for name in names:
        if name in left_out:
            raise UsageError(f"stack {name!r} is not deployed in this environment ({left_out[name]})")
        if name not in graph.dag:
            raise UsageError(f"unknown stack {name!r}",
                             f"known stacks: {', '.join(sorted(graph.dag))}")
    return [n for n in graph.order() if n in names]


def stack_tags(ws: Workspace, env: Environment, name: str) -> dict[str, str]:
    owner = {"ws:owner": env.owner} if env.owner else {}
    return {**env.tags, **ws.stacks[name].tags, "ws:workspace": ws.name, "ws:env": env.name,
            "ws:stack": name, **owner}


def deploy(ws: Workspace, env: Environment, backend: Backend, opts: RunOptions) -> RunReport:
    """Check everything first (nothing is deployed on bad input), then deploy stack by stack.

    With `opts.changed`, a stack whose fingerprint (computed once its upstreams' outputs are
    known) equals the one recorded on the deployed stack is left alone.
    """
    started = opts.clock()
    graph = build_graph(ws, env)
    selected = select(graph, opts.stacks)
    _check_recreate(opts.recreate, selected)
    cfn = backend.client("cloudformation")
    sqs = backend.client("sqs") if backend.kind == "aws" else None  # for the data-loss guard
    ops = StackOps(cfn, synchronous=backend.synchronous, sleep=opts.sleep,
                   poll=0.2 if backend.synchronous else 5.0)
    packaged = package_stacks(ws, backend, selected)
    prepared = packaged.prepared
    static = {name: static_parts(ws, env, name) for name in selected}
    live = deployed_stacks(cfn, names_to_read(graph, env))
    outputs = outside_outputs(graph, selected, env, live)
    secrets = read_secrets(backend, graph, selected)
    upload = packaged.uploader()
    on_event = opts.on_event
    opts.on_event = lambda stack, message: on_event(stack, secrets.mask(message))

    def work(name: str) -> StackResult:
        resolved = substitute(graph.params[name], outputs)
        printed = secrets.fingerprinted(resolved)  # versions: a skipped stack decrypts nothing
        tags = stack_tags(ws, env, name)
        print_ = fingerprint(static[name], printed, tags)
        current = live.get(env.stack_name(name))
        if opts.changed and is_current(current, print_):
            return StackResult("unchanged", current["StackStatus"], outputs_of(current))
        params = secrets.resolved(resolved)
        for key, data in prepared[name].uploads.items():
            upload(key, data)
        req = StackRequest(env.stack_name(name), prepared[name].template, params,
                           {**tags, **print_.tags()}, prepared[name].capabilities,
                           termination_protection=env.protected, stack=name,
                           recreate=name in opts.recreate)
        def emit(message: str) -> None:
            opts.on_event(name, message)
        try:
            if backend.kind == "aws":  # change sets: see the changes, guard stateful resources
                return ChangeSets(ops, sqs).deploy(name, req, emit, opts.allow_replace)
            return ops.deploy(req, emit)
        except ClientError as exc:
            raise aws_problem(exc) or exc from None

    def finished(name: str, outcome: scheduler.Outcome) -> None:
        if outcome.status == scheduler.SUCCEEDED:
            outputs[name] = outcome.value.outputs
        opts.on_finish(_report(env, name, outcome, deploying=True, mask=secrets.mask))

    weights = load_durations(ws.state_dir, env.name)
    def abandon(running: list[str]) -> None:
        """On AWS, cancel the updates still running (CloudFormation rolls them back)."""
        if backend.kind == "aws":
            for name in running:
                ops.cancel_update(env.stack_name(name))

    report = _run(env, "deploy", graph.dag.subgraph(selected), work, finished,
                  opts, started, graph, ws.concurrency, weights, abandon, secrets.mask)
    save_durations(ws.state_dir, env.name, report)
    return report


def _check_recreate(recreate: frozenset[str], selected: list[str]) -> None:
    """--recreate names stacks this deploy acts on (a typo must not pass silently)."""
    unknown = sorted(recreate - set(selected))
    if unknown:
        raise UsageError(f"--recreate {', '.join(unknown)}: not among the stacks this deploy "
                         "acts on", f"stacks: {', '.join(selected)}")


def read_secrets(backend: Backend, graph: StackGraph, selected: list[str]) -> Secrets:
    """Check, before anything deploys, every secret whose name needs no upstream output
    (its version only: values are read when a stack deploys)."""
    secrets = Secrets(backend.client)
    values = [v for name in selected for v in graph.params[name].values()]
    secrets.prepare(values)
    for value in values:
        found = refs.secret_of(value)
        if found and not refs.parse(value):
            secrets.version(*found)
    return secrets


def is_current(stack: dict | None, print_: Fingerprint) -> bool:
    """Deployed, healthy, and recorded with this very fingerprint."""
    return stack is not None and stack["StackStatus"] in GOOD \
        and tags_of(stack).get(FINGERPRINT_TAG) == print_.value


def destroy(ws: Workspace, env: Environment, backend: Backend, opts: RunOptions) -> RunReport:
    """Delete the environment's stacks, dependents before what they depend on."""
    started = opts.clock()
    graph = build_graph(ws, env)
    selected = select(graph, opts.stacks)
    ops = StackOps(backend.client("cloudformation"), synchronous=backend.synchronous,
                   sleep=opts.sleep, poll=0.2 if backend.synchronous else 5.0)
    _check_protection(ops, env, selected, opts.unprotect)

    def work(name: str) -> StackResult:
        return ops.delete(env.stack_name(name), lambda message: opts.on_event(name, message),
                          unprotect=opts.unprotect)

    def finished(name: str, outcome: scheduler.Outcome) -> None:
        opts.on_finish(_report(env, name, outcome, deploying=False))

    reverse = graph.dag.subgraph(selected).reverse(copy=True)
    return _run(env, "destroy", reverse, work, finished, opts, started, graph, ws.concurrency, {})


def _check_protection(ops: StackOps, env: Environment, selected: list[str],
                      unprotect: bool) -> None:
    """Refuse, before deleting anything, to destroy stacks with termination protection."""
    protected = [env.stack_name(n) for n in selected if ops.is_protected(env.stack_name(n))]
    if protected and not unprotect:
        raise UsageError(f"termination protection is on for {', '.join(protected)}",
                         f"to delete them anyway: ws destroy --env {env.name} "
                         "--disable-termination-protection")


def _run(env: Environment, action: str, dag: nx.DiGraph, work: Callable[[str], StackResult],
         finished: Callable[[str, scheduler.Outcome], None], opts: RunOptions, started: float,
         graph: StackGraph, default_concurrency: int, weights: dict[str, float],
         abandon: Callable[[list[str]], None] = lambda running: None,
         mask: Callable[[str], str] = str) -> RunReport:
    running: set[str] = set()

    def done(name: str, outcome: scheduler.Outcome) -> None:
        running.discard(name)
        finished(name, outcome)
    hooks = scheduler.Hooks(on_start=running.add, on_finish=done,
                            on_interrupt=opts.on_interrupt, stop_reason=opts.stop_reason)
    try:
        outcomes = scheduler.run(dag, work, concurrency=opts.concurrency or default_concurrency,
                                 weights=weights, fail_fast=opts.fail_fast, hooks=hooks,
                                 clock=opts.clock)
    except KeyboardInterrupt:  # the second Ctrl-C: stop waiting
        abandon(sorted(running))
        raise
    deploying = action == "deploy"
    reports = [_report(env, name, outcomes[name], deploying, mask)
               for name in nx.topological_sort(dag)]
    for item in reports:
        item.waited_for = sorted(dag.predecessors(item.stack))
        if item.status in (BLOCKED, NOT_RUN):  # never started, so never reported on finish
            opts.on_finish(item)
    reports += [StackReport(name, env.stack_name(name), SKIPPED, why)
                for name, why in graph.left_out().items()]
    interrupted = any(o.reason == scheduler.INTERRUPTED for o in outcomes.values())
    return RunReport(action, env.name, reports, started, opts.clock(), interrupted,
                     opts.stop_reason())


def _report(env: Environment, name: str, outcome: scheduler.Outcome,
            deploying: bool, mask: Callable[[str], str] = str) -> StackReport:
    result: StackResult | None = outcome.value
    if outcome.status == scheduler.SUCCEEDED and result is not None:
        status = {"created": DEPLOYED, "updated": DEPLOYED, "unchanged": UNCHANGED,
                  "deleted": DELETED, "absent": ABSENT}[result.action]
        outputs = result.outputs if deploying else {}
        return StackReport(name, env.stack_name(name), status, "", outputs,
                           outcome.started, outcome.ended)
    status = {scheduler.FAILED: FAILED, scheduler.BLOCKED: BLOCKED}.get(outcome.status, NOT_RUN)
    return StackReport(name, env.stack_name(name), status, mask(outcome.reason), {},
                       outcome.started, outcome.ended)
