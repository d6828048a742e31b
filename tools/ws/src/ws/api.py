"""The library entry points that the CLI (and tests) call."""
from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Callable

from ws.cloud import bootstrap as bootstrapping
from ws.cloud import drift as drifting
from ws.cloud.backend import connect, local_backend
from ws.cloud.drift import StackDrift
from ws.cloud.environments import DeployedEnv, list_environments
from ws.cloud.livestate import deployed_stacks, read_outputs
from ws.cloud.locks import Holder, LockTable, lock_id
from ws.cloud.stackops import StackOps, StackResult
from ws.config.environment import Environment, load_environment
from ws.config.workspace import Workspace, find_root, load_workspace
from ws.config.yamlfile import read_text
from ws.engine import diff as diffing
from ws.engine import flow
from ws.engine import plan as planning
from ws.engine import prune as pruning
from ws.engine.diff import StackDiff
from ws.engine.plan import PlanItem
from ws.engine.request import Clock, Observer, RunRequest
from ws.engine.results import RunReport
from ws.errors import ConfigError
from ws.graph.selection import Selection
from ws.graph.stackgraph import StackGraph, build_graph
from ws.graph.views import render
from ws.lint import gate
from ws.lint.validate import Validation
from ws.lint.validate import validate as validate_workspace
from ws.local import endpoint
from ws.local import links as local_links_of
from ws.local.endpoint import EndpointInfo


def load(start: Path, env_name: str, owner: str | None = None) -> tuple[Workspace, Environment]:
    ws = load_workspace(find_root(start))
    return ws, load_environment(ws, env_name, owner)


def environment(start: Path, env_name: str, owner: str | None = None) -> Environment:
    return load(start, env_name, owner)[1]


def graph(start: Path, env_name: str, owner: str | None = None) -> StackGraph:
    return build_graph(*load(start, env_name, owner))


def graph_text(start: Path, env_name: str, fmt: str, owner: str | None = None) -> str:
    ws, env = load(start, env_name, owner)
    return render(build_graph(ws, env), fmt)


def validate(start: Path, env_name: str, owner: str | None = None) -> Validation:
    return validate_workspace(*load(start, env_name, owner))


def deploy(start: Path, env_name: str, request: RunRequest = RunRequest(),
           observer: Observer = Observer(), owner: str | None = None,
           clock: Clock = Clock()) -> RunReport:
    """Check, then lock, read, plan, confirm and execute (see ws.engine.flow.deploy_env).

    What CloudFormation would refuse is bad input before any stack is touched, before the
    endpoint starts or AWS is called (`request.check_templates=False`, --no-template-check,
    skips the cfn-lint part of that check)."""
    ws, env = load(start, env_name, owner)
    graph = build_graph(ws, env)
    # The selection is taken as if nothing were deployed, so that upstreams
    # --with-dependencies may add are checked too.
    widest = request.selection.resolve(ws, env, graph, set)
    gate.before_deploy(ws, env, planning.select(graph, widest), request.allow_replace,
                       request.check_templates)
    return flow.deploy_env(ws, env, connect(ws, env), request, observer, clock, graph)


def destroy(start: Path, env_name: str, request: RunRequest = RunRequest(),
            observer: Observer = Observer(), owner: str | None = None,
            clock: Clock = Clock()) -> RunReport:
    ws, env = load(start, env_name, owner)
    graph = build_graph(ws, env)
    return flow.destroy_env(ws, env, connect(ws, env), request, observer, clock, graph)


def lock_holders(start: Path, env_name: str,
                 owner: str | None = None) -> tuple[str, dict[str, Holder]]:
    """(the environment's lock prefix, {lock: its holder, with the version seen})."""
    ws, env = load(start, env_name, owner)
    table = LockTable(connect(ws, env).client("dynamodb"))
    table.ensure()
    prefix = lock_id(ws, env) + "/"
    return prefix, table.holders(prefix)


def unlock(start: Path, env_name: str, shown: dict[str, str],
           owner: str | None = None) -> tuple[list[str], list[str]]:
    """Break the locks that were shown ({key: version}), each only if still at the version
    shown; (keys broken, keys left because they changed since: their run is alive)."""
    ws, env = load(start, env_name, owner)
    table = LockTable(connect(ws, env).client("dynamodb"))
    prefix = lock_id(ws, env) + "/"
    outcome = {key: table.break_lock(key, version) for key, version in sorted(shown.items())
               if key.startswith(prefix)}
    return ([k for k, broken in outcome.items() if broken],
            [k for k, broken in outcome.items() if not broken])


def plan(start: Path, env_name: str, selection: Selection = Selection(),
         owner: str | None = None) -> planning.Plan:
    """What `ws deploy --changed` would do, from one read of the deployed stacks."""
    ws, env = load(start, env_name, owner)
    graph = build_graph(ws, env)
    return flow.plan_env(ws, env, connect(ws, env), selection, graph)


def diff(start: Path, env_name: str, stacks: tuple[str, ...] | None = None,
         owner: str | None = None, lock_timeout: float = 600.0) -> list[StackDiff]:
    """Change sets of what a deploy would do, under the locks a deploy would take: the stack a
    CREATE change set makes for review must not meet a deploy creating the real one."""
    ws, env = load(start, env_name, owner)
    graph = build_graph(ws, env)
    backend = connect(ws, env)
    with flow.locked(ws, env, backend, RunRequest(lock_timeout=lock_timeout), Observer(),
                     flow.planning.select(graph, stacks)) as lease:
        found = diffing.diff(ws, env, graph, backend, stacks, flow.commit_of(ws),
                             flow.ws_version())
        lease.check()
        return found


def drift(start: Path, env_name: str, owner: str | None = None,
          sleep: Callable[[float], None] = time.sleep) -> list[StackDrift]:
    ws, env = load(start, env_name, owner)
    return drifting.drift(ws, env, connect(ws, env).client("cloudformation"), sleep)


def orphans(start: Path, env_name: str, owner: str | None = None) -> list[PlanItem]:
    ws, env = load(start, env_name, owner)
    return pruning.find_orphans(ws, env, connect(ws, env).client("cloudformation"))


def prune(start: Path, env_name: str, items: list[PlanItem],
          on_event: Callable[[str, str], None], owner: str | None = None) -> dict[str, StackResult]:
    ws, env = load(start, env_name, owner)
    backend = connect(ws, env)
    ops = StackOps(backend.client("cloudformation"), synchronous=backend.synchronous)
    with flow.locked(ws, env, backend, RunRequest(), Observer(),
                     [i.stack for i in items]) as lease:
        results = pruning.prune(items, ops, on_event)
        lease.check()
        return results


def outputs(start: Path, env_name: str,
            owner: str | None = None) -> dict[str, dict[str, str] | None]:
    ws, env = load(start, env_name, owner)
    return read_outputs(ws, env, connect(ws, env).client("cloudformation"))


def deployed_names(start: Path, env_name: str, stacks: tuple[str, ...] | None,
                   owner: str | None = None) -> list[str]:
    """Stack names of the environment (or of `stacks`) that exist now."""
    ws, env = load(start, env_name, owner)
    graph = build_graph(ws, env)
    names = [env.stack_name(n) for n in planning.select(graph, stacks)]
    live = deployed_stacks(connect(ws, env).client("cloudformation"), set(names))
    return [n for n in names if n in live]


def bootstrap(start: Path, env_name: str, owner: str | None = None) -> list[str]:
    ws, env = load(start, env_name, owner)
    return bootstrapping.bootstrap(connect(ws, env), ws.name)


def env_list(start: Path) -> tuple[list[DeployedEnv], list[str]]:
    return list_environments(load_workspace(find_root(start)))


def load_report(path: Path) -> RunReport:
    """Read a JSON run report written by `ws deploy --report` (size and depth checked first)."""
    text = read_text(path, str(path))
    try:
        return RunReport.from_dict(json.loads(text))
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ConfigError(f"not a ws run report: {exc}", path=str(path)) from None


def local_up(start: Path, port: int | None, schedules: bool = False) -> EndpointInfo:
    return endpoint.start(find_root(start) / ".ws", port=port, schedules=schedules)


def local_down(start: Path) -> bool:
    return endpoint.stop(find_root(start) / ".ws")


def local_status(start: Path) -> EndpointInfo | None:
    return endpoint.status(find_root(start) / ".ws")


def local_log(start: Path) -> Path | None:
    """The local endpoint's server log, if there is one (relative to the current directory
    when inside it); it outlives a server that stopped or crashed."""
    path = endpoint.log_file(find_root(start) / ".ws")
    if not path.is_file():
        return None
    try:
        return path.relative_to(Path.cwd())
    except ValueError:
        return path


def local_links(start: Path, env_name: str, outputs: dict[str, dict[str, str] | None],
                owner: str | None = None) -> list[local_links_of.LocalLink]:
    """The local URL of each AWS-shaped URL in `outputs`; none unless the environment is on
    the local endpoint (checked before connecting: no AWS call is made for AWS targets)."""
    ws, env = load(start, env_name, owner)
    if env.target != "local":
        return []
    return local_links_of.backend_links(connect(ws, env), outputs)


def local_endpoint_links(start: Path) -> list[local_links_of.LocalLink]:
    """The local URLs of every stack on the running endpoint (none when it is not running)."""
    ws = load_workspace(find_root(start))
    info = endpoint.status(find_root(start) / ".ws")
    if info is None:
        return []
    return local_links_of.endpoint_links(local_backend(ws.region, info.url))
