"""The entry points the CLI and tests call: load, connect, then one library function.

Heavy modules (botocore through the backends, networkx through the graph, moto, cfn-lint) are
loaded on first use, so a command pays only for what it calls."""
from __future__ import annotations

import json
import time
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from ws.config.environment import Environment, load_environment
from ws.config.workspace import Workspace, find_root, load_workspace
from ws.config.yamlfile import read_text
from ws.errors import ConfigError, UsageError
from ws.lazy import lazy

if TYPE_CHECKING:
    from ws.cloud.drift import StackDrift
    from ws.cloud.stackops import StackResult
    from ws.engine.diff import StackDiff
    from ws.engine.plan import Plan, PlanItem
    from ws.engine.request import Clock, Observer, RunRequest
    from ws.engine.results import RunReport
    from ws.graph.selection import Selection
    from ws.graph.stackgraph import StackGraph
    from ws.lint.validate import Validation
    from ws.local.links import LocalLink
    from ws.tasks.remote import BucketStore
    from ws.tasks.results import TargetsReport
    from ws.tasks.run import Runner, RunOptions, TaskObserver

backends = lazy("ws.cloud.backend")
drifting = lazy("ws.cloud.drift")
livestate = lazy("ws.cloud.livestate")
stackops = lazy("ws.cloud.stackops")
diffing = lazy("ws.engine.diff")
flow = lazy("ws.engine.flow")
planning = lazy("ws.engine.plan")
pruning = lazy("ws.engine.prune")
requests = lazy("ws.engine.request")
results = lazy("ws.engine.results")
selections = lazy("ws.graph.selection")
envimports = lazy("ws.graph.envimports")
stackgraph = lazy("ws.graph.stackgraph")
views = lazy("ws.graph.views")
checker = lazy("ws.lint.checker")
gate = lazy("ws.lint.gate")
validating = lazy("ws.lint.validate")
local_links_of = lazy("ws.local.links")
taskgraph = lazy("ws.tasks.graph")
taskrun = lazy("ws.tasks.run")
predeploy = lazy("ws.tasks.predeploy")
remote = lazy("ws.tasks.remote")
watching = lazy("ws.engine.watch")
awserrors = lazy("ws.cloud.awserrors")
fileevents = lazy("ws.engine.fileevents")


def load(start: Path, env_name: str, owner: str | None = None, build: bool = False,
         say: Callable[[str, str], None] | None = None) -> tuple[Workspace, Environment]:
    """The workspace and the environment; with `build`, the stacks' before_deploy targets
    run first (cached), each outcome told to `say(stack, message)`."""
    root = find_root(start)
    ws = load_workspace(root, env_name, predeploy.builder(root, say) if build else None)
    env = load_environment(ws, env_name, owner)
    return envimports.for_environment(ws, env), env


def environment(start: Path, env_name: str, owner: str | None = None) -> Environment:
    return load(start, env_name, owner)[1]


def graph(start: Path, env_name: str, owner: str | None = None) -> StackGraph:
    return stackgraph.build_graph(*load(start, env_name, owner, build=True))


def graph_text(start: Path, env_name: str, fmt: str, owner: str | None = None) -> str:
    ws, env = load(start, env_name, owner, build=True)
    return views.render(stackgraph.build_graph(ws, env), fmt)


def validate(start: Path, env_name: str, owner: str | None = None) -> Validation:
    return validating.validate(*load(start, env_name, owner, build=True))


def deploy(start: Path, env_name: str, request: RunRequest | None = None,
           observer: Observer | None = None, owner: str | None = None,
           clock: Clock | None = None) -> RunReport:
    """Check, then lock, read, plan, confirm and execute (see ws.engine.flow.deploy_env).

    What CloudFormation would refuse is bad input, refused before any stack is created,
    changed or deleted: the quick checks at once, cfn-lint (unless --no-template-check,
    `request.check_templates=False`) in a process started as soon as the workspace is loaded.
    It goes on while ws connects, locks, reads, packages and makes change sets, and each stack
    waits for it before it changes (ws.lint.checker); on the local target when the endpoint is
    not running yet it is waited for first (a refused deploy starts no endpoint)."""
    request, observer, clock = _defaults(request, observer, clock)
    timeline = results.Timeline(clock.now)
    check = checker.PASSED
    try:
        with timeline.phase("load"):
            ws, env = load(start, env_name, owner, build=True, say=observer.on_event)
            if request.check_templates:  # cfn-lint loads meanwhile, in a process of its own
                check = checker.start(ws, env, clock.now)
            flow.refuse_hotswap(env, request)
            graph = stackgraph.build_graph(ws, env)
            request = replace(request, selection=request.selection.pinned(ws, env, graph))
            # The selection is taken as if nothing were deployed, so that upstreams
            # --with-dependencies may add are checked too.
            widest = request.selection.resolve(ws, env, graph, set)
        gate.send_check(check, ws, env, planning.select(graph, widest), request.allow_replace)
        starts = env.target == "local" and not backends.local_endpoint_running(ws)
        first = starts and check is not checker.PASSED
        if first:  # all of it first: a refused deploy starts no endpoint
            check.wait()
            _check_phase(timeline, check)
        backend = _connect(timeline, ws, env)
        if starts:
            observer.on_endpoint_start(backend.endpoint_url or "")
        report = flow.deploy_env(ws, env, backend, request, observer, clock, graph, timeline,
                                 check)
    finally:
        check.cancel()  # when nothing waited for it (nothing to deploy, or an error first)
    if not first:
        _check_phase(timeline, check)
    report.target = env.target
    return timeline.into(report)


def watch(start: Path, env_name: str, selection: Selection, say: Callable[[str], None],
          owner: str | None = None, next_event: Callable[[float | None], str | None] | None = None,
          cycles: int | None = None) -> int:
    """Deploy the selected stacks whenever their files change (ws.engine.watch): `--changed
    --hotswap` each time, one line per cycle told to `say`. Refused in a protected
    environment. `next_event` (tests): where file events come from, else the file system."""
    ws, env = load(start, env_name, owner, build=True)
    if env.protected:
        raise UsageError(f"ws watch deploys on every save: not to protected environment "
                         f"{env.name} ({env.file})", "watch a development environment")
    graph = stackgraph.build_graph(ws, env)
    stacks = planning.select(graph, selection.resolve(ws, env, graph, set))
    events = next_event or fileevents.FileEvents(ws.root, watching.watched(ws, env, stacks))
    _warm_up()  # the first save should not wait for imports
    say(f"watching {len(stacks)} stack(s) of {env.name}: save a file to deploy it "
        "(Ctrl-C ends)")
    request = requests.RunRequest(selection, changed=True, hotswap=True)

    def deploy_once(changed: list[str]) -> watching.Outcome:
        try:
            return watching.outcome_of(deploy(start, env_name, request, owner=owner))
        except Exception as exc:  # AWS's own errors (unreachable, refused): said, not fatal
            problem = awserrors.aws_problem(exc)
            if problem is None:
                raise
            raise problem from None
    try:
        return watching.watch(events, deploy_once, say, cycles=cycles)
    finally:
        if isinstance(events, fileevents.FileEvents):
            events.close()


def _warm_up() -> None:
    """Load what a deploy loads (botocore, the engine, packaging, the checker) now."""
    for module in (flow, backends, checker, gate, lazy("ws.engine.run"), lazy("ws.cloud.hotswap"),
                   lazy("ws.package.prepare"), lazy("ws.cli.live")):
        getattr(module, "__name__")


def _check_phase(timeline: results.Timeline, check: checker.Passed) -> None:
    """The template check, as a phase of the run, when there was one to run."""
    if check.started is not None and check.ended is not None:
        timeline.add("template check", check.started, check.ended)


def destroy(start: Path, env_name: str, request: RunRequest | None = None,
            observer: Observer | None = None, owner: str | None = None,
            clock: Clock | None = None) -> RunReport:
    request, observer, clock = _defaults(request, observer, clock)
    timeline = results.Timeline(clock.now)
    with timeline.phase("load"):  # built: the order of deletion comes from the templates
        ws, env = load(start, env_name, owner, build=True)
        graph = stackgraph.build_graph(ws, env)
    backend = _connect(timeline, ws, env)
    return flow.destroy_env(ws, env, backend, request, observer, clock, graph, timeline)


def _connect(timeline: results.Timeline, ws: Workspace, env: Environment) -> backends.Backend:
    """Connect as a phase of the run: the endpoint's start, or the account check."""
    with timeline.phase("endpoint start" if env.target == "local" else "connect"):
        return backends.connect(ws, env)


def _defaults(request: RunRequest | None, observer: Observer | None,
              clock: Clock | None) -> tuple[RunRequest, Observer, Clock]:
    """A run's request, observer and clock, defaulted here (not at import: that would load
    the engine for every command)."""
    return (request or requests.RunRequest(), observer or requests.Observer(),
            clock or requests.Clock())


def plan(start: Path, env_name: str, selection: Selection | None = None,
         owner: str | None = None, hotswap: bool = False) -> Plan:
    """What `ws deploy --changed` (with `hotswap`: `--hotswap`) would do, from one read of
    the deployed stacks."""
    selection = selection or selections.Selection()
    ws, env = load(start, env_name, owner, build=True)
    flow.refuse_hotswap(env, requests.RunRequest(hotswap=hotswap))
    graph = stackgraph.build_graph(ws, env)
    return flow.plan_env(ws, env, backends.connect(ws, env), selection, graph, hotswap)


def diff(start: Path, env_name: str, stacks: tuple[str, ...] | None = None,
         owner: str | None = None, lock_timeout: float = 600.0,
         observer: Observer | None = None) -> list[StackDiff]:
    """Change sets of what a deploy would do, under the locks a deploy would take: the stack a
    CREATE change set makes for review must not meet a deploy creating the real one (a wait
    for them is told to `observer`)."""
    ws, env = load(start, env_name, owner, build=True)
    graph = stackgraph.build_graph(ws, env)
    backend = backends.connect(ws, env)
    with flow.locked(ws, env, backend, requests.RunRequest(lock_timeout=lock_timeout),
                     observer or requests.Observer(),
                     flow.planning.select(graph, stacks)) as lease:
        found = diffing.diff(ws, env, graph, backend, stacks, flow.commit_of(ws),
                             flow.ws_version())
        lease.check()
        return found


def drift(start: Path, env_name: str, owner: str | None = None,
          sleep: Callable[[float], None] = time.sleep) -> list[StackDrift]:
    ws, env = load(start, env_name, owner)
    backend = backends.connect(ws, env)
    return drifting.drift(ws, env, backend.client("cloudformation"), sleep,
                          swapped=lambda live: flow.ledgers(ws, env, backend, live))


def orphans(start: Path, env_name: str, owner: str | None = None) -> list[PlanItem]:
    ws, env = load(start, env_name, owner)
    return pruning.find_orphans(ws, env, backends.connect(ws, env).client("cloudformation"))


def prune(start: Path, env_name: str, items: list[PlanItem],
          on_event: Callable[[str, str], None], owner: str | None = None,
          request: RunRequest | None = None,
          observer: Observer | None = None) -> dict[str, StackResult]:
    """Delete the orphans confirmed (`items`) under their locks (waiting as `request` says,
    told to `observer`): those still orphans when read again under the locks, none once a
    lock is lost."""
    ws, env = load(start, env_name, owner)
    backend = backends.connect(ws, env)
    cfn = backend.client("cloudformation")
    ops = stackops.StackOps(cfn, synchronous=backend.synchronous)
    with flow.locked(ws, env, backend, request or requests.RunRequest(),
                     observer or requests.Observer(), [i.stack for i in items]) as lease:
        still = {i.stack_name for i in pruning.find_orphans(ws, env, cfn)}
        results = pruning.prune([i for i in items if i.stack_name in still], ops, on_event,
                                lease.problem)
        lease.check()
        return results


def outputs(start: Path, env_name: str,
            owner: str | None = None) -> dict[str, dict[str, str] | None]:
    ws, env = load(start, env_name, owner)
    return livestate.read_outputs(ws, env, backends.connect(ws, env).client("cloudformation"))


def deployed_names(start: Path, env_name: str, stacks: tuple[str, ...] | None,
                   owner: str | None = None) -> list[str]:
    """Stack names of the environment (or of `stacks`) that exist now."""
    ws, env = load(start, env_name, owner)
    graph = stackgraph.build_graph(ws, env)
    names = [env.stack_name(n) for n in planning.select(graph, stacks)]
    live = livestate.deployed_stacks(backends.connect(ws, env).client("cloudformation"), set(names))
    return [n for n in names if n in live]


def load_report(path: Path) -> RunReport:
    """Read a JSON run report written by `ws deploy --report` (size and depth checked first)."""
    text = read_text(path, str(path))
    try:
        return results.RunReport.from_dict(json.loads(text))
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ConfigError(f"not a ws run report: {exc}", path=str(path)) from None


def local_links(start: Path, env_name: str, outputs: dict[str, dict[str, str] | None],
                owner: str | None = None) -> list[LocalLink]:
    """The local URL of each AWS-shaped URL in `outputs`; none unless the environment is on
    the local endpoint (checked before connecting: no AWS call is made for AWS targets)."""
    ws, env = load(start, env_name, owner)
    if env.target != "local":
        return []
    return local_links_of.backend_links(backends.connect(ws, env), outputs)


def run_targets(start: Path, targets: tuple[str, ...], selection: Selection | None = None,
                options: RunOptions | None = None, observer: TaskObserver | None = None,
                env_name: str | None = None, runner: Runner | None = None,
                store: BucketStore | None = None) -> TargetsReport:
    """`ws run`: the `targets` of the selected stacks of the environment's graph (default:
    local's; --since: those changed and their dependents), each when the targets it depends on
    are done, cached. Named, an AWS environment shares the cache through its artifact bucket
    (`store`: another bucket store, for tests)."""
    ws, env = load(start, env_name or "local")
    graph = stackgraph.build_graph(ws, env)
    chosen = (selection or selections.Selection()).pinned(ws, env, graph).stacks
    own = {name: stack.targets for name, stack in ws.stacks.items() if name in graph.dag}
    taskgraph.check_names(own, targets)
    tasks = taskgraph.build_tasks(own, graph.dag, selections.select(graph, chosen), targets)
    if store is None and env_name is not None and env.target == "aws" and len(tasks):
        backend = backends.connect(ws, env)
        store = remote.BucketStore(backend.client("s3"), backend.artifact_bucket(ws.name),
                                   backend.account_id)
    cache = taskrun.local_cache(ws)
    return taskrun.run_tasks(ws, tasks, targets, options or taskrun.RunOptions(), observer,
                             runner, cache=remote.SharedCache(cache, store) if store else cache)
