"""A whole command's flow over one loaded workspace and one backend: take the locks, read the
live state once, plan, confirm, execute that plan. The api loads and connects; this runs."""
from __future__ import annotations

import logging
from contextlib import ExitStack, nullcontext
from dataclasses import replace
from importlib import metadata
from typing import Callable, ContextManager

from ws.cloud.backend import Backend
from ws.cloud.leases import Lease, hold
from ws.cloud.livestate import deployed_stacks, outputs_of
from ws.cloud.locks import LockError, LockTable, stack_keys
from ws.cloud.secrets import Secrets
from ws.cloud.ssmvalues import SsmValues
from ws.cloud.swapledger import read_ledgers
from ws.config.environment import Environment
from ws.config.workspace import Workspace
from ws.engine import plan as planning
from ws.engine import run as deploying
from ws.engine import stackrun, teardown
from ws.engine.request import Clock, Observer, RunRequest
from ws.engine.results import SKIPPED, UNCHANGED, RunReport, StackReport, Timeline
from ws.errors import UsageError
from ws.graph.git import git_commit
from ws.graph.selection import Selection
from ws.graph.stackgraph import StackGraph, build_graph
from ws.lint.checker import PASSED, Passed

log = logging.getLogger(__name__)


def deploy_env(ws: Workspace, env: Environment, backend: Backend,
               request: RunRequest = RunRequest(), observer: Observer = Observer(),
               clock: Clock = Clock(), graph: StackGraph | None = None,
               timeline: Timeline | None = None, check: Passed = PASSED) -> RunReport:
    """Take the locks, read live state once, plan, confirm (the observer), execute that plan.

    With --changed, a first plan from one read decides what to lock: nothing to deploy means
    no lock at all; otherwise the stacks that may change are locked, read again and re-planned
    under the lock (someone may have deployed in between); if that plan changes a stack not
    locked, the locks are released and taken again with it (a run never changes a stack it
    has not locked). Each step is a phase of
    `timeline`, so the report accounts for the time before the first stack starts.
    `check` (cfn-lint's, running meanwhile) is waited for before any stack is created, changed
    or deleted; once it has refused a template no stack starts, and its error is raised when
    the stacks that started have stopped (none of them changed anything)."""
    refuse_hotswap(env, request)
    express(env, request)
    timeline = timeline or Timeline(clock.now)
    graph = graph or build_graph(ws, env)
    cfn = backend.client("cloudformation")
    stacks = request.selection.resolve(ws, env, graph, lambda: set(deployed_stacks(cfn, None)))
    selected = planning.select(graph, stacks)
    _check_recreate(request.recreate, selected)
    secrets, ssm = Secrets(backend.client), SsmValues(backend.client)
    to_lock = selected
    if request.changed:
        with timeline.phase("live-state read"):
            first_read = deployed_stacks(cfn, None)
            swapped = ledgers(ws, env, backend, first_read)
        with timeline.phase("plan"):
            first = planning.make_plan(ws, env, graph, first_read, selected, secrets, ssm=ssm,
                                       hotswap=request.hotswap, swapped=swapped)
        to_lock = first.to_change()
        if not to_lock:  # nothing changes: the check's answer is not needed
            check.cancel()
            return timeline.into(_unchanged(env, first, first_read, observer, clock))
    for _ in range(RELOCKS):
        with ExitStack() as held:
            with timeline.phase("locks"):
                lease = held.enter_context(locked(ws, env, backend, request, observer, to_lock))
            with timeline.phase("live-state read"):
                live = deployed_stacks(cfn, None)
                swapped = ledgers(ws, env, backend, live)
            with timeline.phase("plan"):
                if stacks is not None:
                    _check_upstreams(ws, env, graph, live, selected, secrets, ssm)
                ssm.forget(ssm.known())  # read again with the stacks, under the lock
                plan = planning.make_plan(ws, env, graph, live, selected, secrets,
                                          request.changed, ssm, request.hotswap, swapped)
                plan = replace(plan, express=express(env, request))
            unlocked = sorted(set(plan.to_change()) - set(to_lock))
            if unlocked and backend.can.locks:  # changed since the first read (another run's
                to_lock = sorted({*to_lock, *unlocked})  # deploy): all again, those locked too
                log.info("locking again: %s changed since the first read", ", ".join(unlocked))
                continue
            if env.protected:
                observer.confirm(plan)
            target = stackrun.Target(  # a lost lock or a refused template: start nothing new
                ws, env, graph, backend, live, commit_of(ws), ws_version(),
                lambda: lease.problem() or check.problem(), check.wait, swapped,
                express(env, request), given_back(ws, env, lease))
            report = deploying.deploy(target, plan, secrets, request, observer, clock, timeline,
                                      ssm)
            check.wait()  # raises what it found (then no stack has changed)
            with timeline.phase("lock release"):
                held.close()
            return timeline.into(report)
    raise LockError(f"{', '.join(unlocked)} changed under other runs each time ws locked "
                    f"what it would deploy ({RELOCKS} times); nothing was deployed",
                    "deploy again once the other runs are done")


RELOCKS = 3  # times --changed locks again what other runs changed since its read


def express(env: Environment, request: RunRequest) -> bool:
    """Express mode: the environment's file says so, or --express (not for a protected
    environment: its file must say it, so that what runs there is reviewed)."""
    if request.express and env.protected and not env.express:
        raise UsageError(f"--express is refused in protected environment {env.name}: its "
                         "file must say it", f"add 'deployment: express' to {env.file}")
    return env.express or request.express


def refuse_hotswap(env: Environment, request: RunRequest) -> None:
    """A protected environment changes only through CloudFormation (reviewed, recorded)."""
    if request.hotswap and env.protected:
        raise UsageError(f"--hotswap is refused in protected environment {env.name} "
                         f"({env.file})", "deploy without --hotswap")


def ledgers(ws: Workspace, env: Environment, backend: Backend,
            live: dict[str, dict]) -> dict[str, dict]:
    """The hotswap ledgers of the environment's deployed stacks (none in a protected
    environment, which is never hotswapped; nothing read when none of its stacks exist)."""
    names = {env.stack_name(n) for n in ws.stacks} & set(live)
    if env.protected or not names:
        return {}
    return read_ledgers(backend.client("s3"), backend.artifact_bucket(ws.name),
                        backend.account_id, names)


def destroy_env(ws: Workspace, env: Environment, backend: Backend,
                request: RunRequest = RunRequest(), observer: Observer = Observer(),
                clock: Clock = Clock(), graph: StackGraph | None = None,
                timeline: Timeline | None = None) -> RunReport:
    """Take the locks of the selected stacks, then delete them, dependents first."""
    mode = express(env, request)
    timeline = timeline or Timeline(clock.now)
    graph = graph or build_graph(ws, env)
    selected = planning.select(graph, request.selection.stacks)
    with ExitStack() as held:
        with timeline.phase("locks"):
            lease = held.enter_context(locked(ws, env, backend, request, observer, selected))
        with timeline.phase("live-state read"):
            live = deployed_stacks(backend.client("cloudformation"), None)
        target = stackrun.Target(ws, env, graph, backend, live, stop_reason=lease.problem,
                                 express=mode, done=given_back(ws, env, lease))
        report = teardown.destroy(target, request, observer, clock)
        with timeline.phase("lock release"):
            held.close()
    return timeline.into(report)


def _unchanged(env: Environment, plan: planning.Plan, live: dict[str, dict],
               observer: Observer, clock: Clock) -> RunReport:
    """The report of a --changed run that found nothing to deploy (nothing was locked); the
    outputs are those of the live read."""
    now = clock.now()
    chosen = set(plan.chosen)
    reports = [StackReport(i.stack, i.stack_name, UNCHANGED if i.stack in chosen else SKIPPED,
                           "" if i.stack in chosen else i.reason,
                           outputs_of(live[i.stack_name]) if i.stack_name in live else {})
               for i in plan.items if i.action != planning.ORPHAN]
    for item in reports:
        observer.on_finish(item)
    return RunReport("deploy", env.name, reports, now, clock.now())


def _check_recreate(recreate: frozenset[str], selected: list[str]) -> None:
    """--recreate names stacks this deploy acts on (a typo must not pass silently)."""
    unknown = sorted(recreate - set(selected))
    if unknown:
        raise UsageError(f"--recreate {', '.join(unknown)}: not among the stacks this deploy "
                         "acts on", f"stacks: {', '.join(selected)}")


def _check_upstreams(ws: Workspace, env: Environment, graph: StackGraph, live: dict[str, dict],
                     selected: list[str], secrets: Secrets, ssm: SsmValues) -> None:
    """A partial deploy (a CI group, --stacks, --since) builds on what is deployed: every
    stack it depends on outside the selection must be deployed and up to date."""
    stale = planning.stale_upstreams(ws, env, graph, live, selected, secrets, ssm)
    if stale:
        raise UsageError("the selected stacks depend on stacks that are not deployed or not up "
                         "to date: " + "; ".join(f"{i.stack} ({i.reason})" for i in stale),
                         "deploy those first (their CI group, or add them to --stacks)")


def locked(ws: Workspace, env: Environment, backend: Backend, request: RunRequest,
           observer: Observer, stacks: list[str]) -> ContextManager[Lease]:
    """The locks of the stacks a run changes (per owner), where the target keeps locks; the
    lease says when one is lost."""
    if not backend.can.locks or not stacks:
        return nullcontext(Lease())
    return hold(LockTable(backend.client("dynamodb")), stack_keys(ws, env, stacks),
                timeout=request.lock_timeout, ttl=ws.lock_ttl,
                on_wait=lambda holder: observer.on_lock_wait(
                    f"{holder.key or 'a lock'}, held by {holder.describe()}"),
                on_take_over=lambda holder, why: observer.on_lock_take_over(
                    f"{holder.who()}: {why}"))


def given_back(ws: Workspace, env: Environment, lease: Lease) -> Callable[[str], None]:
    """A stack the run is done with gives its lock back at once (its operation is over): a
    run waiting for it, or the end of this one, need not wait for the rest."""
    return lambda stack: lease.give_back(stack_keys(ws, env, [stack]))


def commit_of(ws: Workspace) -> str:
    """The workspace's git commit (with "+dirty" when tracked files differ), or ""."""
    return git_commit(ws.root)


def ws_version() -> str:
    try:
        return metadata.version("ws-stacks")
    except metadata.PackageNotFoundError:
        return "unknown"


def plan_env(ws: Workspace, env: Environment, backend: Backend,
             selection: Selection = Selection(), graph: StackGraph | None = None,
             hotswap: bool = False) -> planning.Plan:
    """What `ws deploy --changed` (`--hotswap`) would do, from one read of the deployed
    stacks (and of their hotswap ledgers)."""
    refuse_hotswap(env, RunRequest(hotswap=hotswap))
    graph = graph or build_graph(ws, env)
    live = deployed_stacks(backend.client("cloudformation"), None)
    stacks = selection.resolve(ws, env, graph, lambda: set(live))
    plan = planning.make_plan(ws, env, graph, live, planning.select(graph, stacks),
                              Secrets(backend.client), ssm=SsmValues(backend.client),
                              hotswap=hotswap, swapped=ledgers(ws, env, backend, live))
    return replace(plan, express=env.express)
