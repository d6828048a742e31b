"""The library entry points that the CLI (and tests) call."""
from __future__ import annotations

import json
import time
from contextlib import nullcontext
from pathlib import Path
from typing import Any, Callable, ContextManager

from ws.cloud import bootstrap as bootstrapping
from ws.cloud import drift as drifting
from ws.cloud import locks as locking
from ws.cloud.backend import Backend, connect
from ws.cloud.drift import StackDrift
from ws.cloud.environments import DeployedEnv, list_environments
from ws.cloud.livestate import deployed_stacks, read_outputs
from ws.cloud.locks import LockTable, lock_id, stack_keys
from ws.cloud.secrets import Secrets
from ws.cloud.stackops import StackOps, StackResult
from ws.config.environment import Environment, load_environment
from ws.config.workspace import Workspace, find_root, load_workspace
from ws.config.yamlfile import read_text
from ws.engine import diff as diffing
from ws.engine import plan as planning
from ws.engine import prune as pruning
from ws.engine import run as deploying
from ws.engine.diff import StackDiff
from ws.engine.plan import PlanItem
from ws.engine.results import RunReport
from ws.engine.run import RunOptions
from ws.errors import ConfigError, UsageError
from ws.graph.selection import Selection
from ws.graph.stackgraph import StackGraph, build_graph
from ws.graph.views import render
from ws.lint import gate
from ws.lint.validate import Validation
from ws.lint.validate import validate as validate_workspace
from ws.local import endpoint
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


def deploy(start: Path, env_name: str, opts: RunOptions,
           selection: Selection | None = None, owner: str | None = None,
           check_templates: bool = True) -> RunReport:
    """Deploy; what CloudFormation would refuse is bad input before any stack is touched
    (`check_templates=False`, --no-template-check, skips the cfn-lint part of that check)."""
    ws, env = load(start, env_name, owner)
    graph = build_graph(ws, env)  # bad input fails before an endpoint starts or AWS is called
    # So does what CloudFormation would refuse; the selection is taken as if nothing were
    # deployed, so that upstreams --with-dependencies may add are checked too.
    widest = selection.resolve(ws, env, set) if selection is not None else opts.stacks
    gate.before_deploy(ws, env, deploying.select(graph, widest), opts.allow_replace,
                       check_templates)
    backend = connect(ws, env)
    cfn = backend.client("cloudformation")
    if selection is not None:
        opts.stacks = selection.resolve(ws, env, lambda: set(deployed_stacks(cfn, None)))
    with _locked(ws, env, backend, opts, deploying.select(graph, opts.stacks)):
        if opts.stacks is not None:
            _check_upstreams(ws, env, cfn, opts.stacks, Secrets(backend.client))
        return deploying.deploy(ws, env, backend, opts)


def _check_upstreams(ws: Workspace, env: Environment, cfn: Any, stacks: tuple[str, ...],
                     secrets: Secrets) -> None:
    """A partial deploy (a CI group, --stacks, --since) builds on what is deployed: every
    stack it depends on outside the selection must be deployed and up to date."""
    stale = planning.stale_upstreams(ws, env, cfn, stacks, secrets)
    if stale:
        raise UsageError("the selected stacks depend on stacks that are not deployed or not up "
                         "to date: " + "; ".join(f"{i.stack} ({i.reason})" for i in stale),
                         "deploy those first (their CI group, or add them to --stacks)")


def destroy(start: Path, env_name: str, opts: RunOptions, owner: str | None = None) -> RunReport:
    ws, env = load(start, env_name, owner)
    graph = build_graph(ws, env)
    backend = connect(ws, env)
    with _locked(ws, env, backend, opts, deploying.select(graph, opts.stacks)):
        return deploying.destroy(ws, env, backend, opts)


def _locked(ws: Workspace, env: Environment, backend: Backend, opts: RunOptions,
            stacks: list[str]) -> ContextManager[None]:
    """The locks of the stacks a run changes (per owner), in the target's DynamoDB; none on
    the fake cloud."""
    if backend.kind == "fake":
        return nullcontext()
    return locking.hold(LockTable(backend.client("dynamodb")), stack_keys(ws, env, stacks),
                        timeout=opts.lock_timeout, ttl=ws.lock_ttl,
                        on_wait=lambda holder: opts.on_lock_wait(
                            f"{holder.key or 'a lock'}, held by {holder.describe()}"))


def lock_holders(start: Path, env_name: str,
                 owner: str | None = None) -> tuple[str, dict[str, str]]:
    """(the environment's lock prefix, {lock: who holds it}) for live locks."""
    ws, env = load(start, env_name, owner)
    table = LockTable(connect(ws, env).client("dynamodb"))
    table.ensure()
    prefix = lock_id(ws, env) + "/"
    return prefix, {key: h.describe() for key, h in table.holders(prefix).items()}


def unlock(start: Path, env_name: str, owner: str | None = None) -> list[str]:
    """Break every live lock of the environment (per owner); the keys broken."""
    ws, env = load(start, env_name, owner)
    table = LockTable(connect(ws, env).client("dynamodb"))
    broken = sorted(table.holders(lock_id(ws, env) + "/"))
    for key in broken:
        table.break_lock(key)
    return broken


def plan(start: Path, env_name: str, selection: Selection,
         owner: str | None = None) -> list[PlanItem]:
    ws, env = load(start, env_name, owner)
    build_graph(ws, env)
    backend = connect(ws, env)
    cfn = backend.client("cloudformation")
    return planning.plan(ws, env, cfn, selection.resolve(ws, env, lambda: set(deployed_stacks(cfn, None))),
                         Secrets(backend.client))


def diff(start: Path, env_name: str, stacks: tuple[str, ...] | None = None,
         owner: str | None = None) -> list[StackDiff]:
    ws, env = load(start, env_name, owner)
    build_graph(ws, env)
    return diffing.diff(ws, env, connect(ws, env), stacks)


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
    with _locked(ws, env, backend, RunOptions(), [item.stack for item in items]):
        return pruning.prune(items, ops, on_event)


def outputs(start: Path, env_name: str,
            owner: str | None = None) -> dict[str, dict[str, str] | None]:
    ws, env = load(start, env_name, owner)
    return read_outputs(ws, env, connect(ws, env).client("cloudformation"))


def deployed_names(start: Path, env_name: str, stacks: tuple[str, ...] | None,
                   owner: str | None = None) -> list[str]:
    """Stack names of the environment (or of `stacks`) that exist now."""
    ws, env = load(start, env_name, owner)
    graph = build_graph(ws, env)
    names = [env.stack_name(n) for n in deploying.select(graph, stacks)]
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


def local_up(start: Path, port: int | None) -> EndpointInfo:
    return endpoint.start(find_root(start) / ".ws", port=port)


def local_down(start: Path) -> bool:
    return endpoint.stop(find_root(start) / ".ws")


def local_status(start: Path) -> EndpointInfo | None:
    return endpoint.status(find_root(start) / ".ws")
