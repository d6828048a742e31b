"""`ws plan`, and the plan a deploy executes: every selected stack decided against what is
deployed, with its reason; mocks left out and orphans listed."""
from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import networkx as nx

from ws.cloud.livestate import outputs_of, record_of, tags_of
from ws.cloud.secrets import Secrets
from ws.cloud.ssmvalues import SsmValues
from ws.config import refs
from ws.config.environment import Environment
from ws.config.workspace import Workspace
from ws.engine.cdkcontext import with_context
from ws.engine.decide import DEPLOY, HOTSWAP, LATER, SKIP, decide
from ws.engine.fingerprint import static_parts
from ws.engine.inputs import consumed, resolve
from ws.errors import DeployError
from ws.graph.selection import select  # noqa: F401 - (engine callers import it from here)
from ws.graph.stackgraph import StackGraph

ORPHAN = "orphaned"
__all__ = ["DEPLOY", "HOTSWAP", "LATER", "ORPHAN", "SKIP", "Plan", "PlanItem", "make_plan", "select"]


@dataclass(frozen=True)
class PlanItem:
    """One stack's decision, and what is deployed now."""

    stack: str
    stack_name: str
    action: str
    reason: str
    deployed_commit: str = ""  # the commit the deployed stack came from (ws's record)


@dataclass(frozen=True)
class Plan:
    """Decisions for the selected stacks (in dependency order), then the stacks the
    environment leaves out and the orphans."""

    env: str
    items: tuple[PlanItem, ...]
    changed_only: bool = True
    chosen: tuple[str, ...] = ()  # the selected stacks, in dependency order
    express: bool = False  # CloudFormation's express mode (the environment's, or --express)

    def __getitem__(self, stack: str) -> PlanItem:
        return next(i for i in self.items if i.stack == stack and i.action != ORPHAN)

    def selected(self) -> list[str]:
        """The stacks a run acts on (deploy, decide later or leave unchanged), in order."""
        return list(self.chosen)

    def to_change(self) -> list[str]:
        """The selected stacks that deploy or may deploy."""
        return [name for name in self.chosen if self[name].action in (DEPLOY, HOTSWAP, LATER)]

    def orphans(self) -> list[PlanItem]:
        return [i for i in self.items if i.action == ORPHAN]


def make_plan(ws: Workspace, env: Environment, graph: StackGraph, live: dict[str, dict],
              selected: list[str], secrets: Secrets | None,
              changed_only: bool = True, ssm: SsmValues | None = None, hotswap: bool = False,
              swapped: dict[str, dict] | None = None) -> Plan:
    """Decide every selected stack against `live` (read once by the caller), and the SSM
    parameters they read (`ssm`: every name read at once); `swapped`: the hotswap ledgers by
    stack name, `hotswap`: a deploy that may hotswap."""
    live = _with_shared(env, graph, live)
    if ssm is not None:
        ssm.prefetch(n for name in selected for n in graph.ssm_reads.get(name, {}))
    items: dict[str, PlanItem] = {}
    for name in selected:
        items[name] = _item(ws, env, graph, name, live, items, secrets, changed_only, ssm,
                            hotswap, swapped or {})
    result = list(items.values())
    result += [PlanItem(n, env.stack_name(n), SKIP, why) for n, why in graph.left_out().items()]
    return Plan(env.name, tuple(result + orphans(ws, env, live)), changed_only, tuple(selected))


def _with_shared(env: Environment, graph: StackGraph, live: dict[str, dict]) -> dict[str, dict]:
    """Shared stacks read under the names of the stacks they stand for."""
    live = dict(live)
    for name, shared in graph.shared.items():
        if shared.stack_name in live:
            live[env.stack_name(name)] = live[shared.stack_name]
    return live


def _item(ws: Workspace, env: Environment, graph: StackGraph, name: str,
          live: dict[str, dict], items: dict[str, PlanItem], secrets: Secrets | None,
          changed_only: bool, ssm: SsmValues | None, hotswap: bool = False,
          swapped: dict[str, dict] | None = None) -> PlanItem:
    stack_name = env.stack_name(name)
    current = live.get(stack_name)
    if ws.stacks[name].build_failure:  # deploying it fails with this reason
        return PlanItem(name, stack_name, DEPLOY, ws.stacks[name].build_failure.splitlines()[0])
    uses = consumed(graph, name)
    pending = [up for up in graph.upstream(name)
               if up in items and items[up].action != SKIP and up in uses]
    inputs, unresolved = None, ""
    if current is not None and not pending:
        inputs, unresolved = _inputs(ws, env, graph, name, live, uses, secrets, ssm)
    found = decide(current, inputs, pending=pending, unresolved=unresolved,
                   changed_only=changed_only, protected=env.protected, hotswap=hotswap,
                   swapped=(swapped or {}).get(stack_name))
    commit = record_of(current).get("commit", "") if current else ""
    return PlanItem(name, stack_name, found.action, found.reason, commit)


def _inputs(ws: Workspace, env: Environment, graph: StackGraph, name: str,
            live: dict[str, dict], uses: set[str], secrets: Secrets | None,
            ssm: SsmValues | None) -> tuple[Any, str]:
    """The stack's inputs from deployed upstream outputs, or None and why not."""
    if secrets is None and any(refs.secret_of(v) for v in graph.params[name].values()):
        return None, "its secrets were not read"
    upstream = {up: outputs_of(live[env.stack_name(up)]) for up in uses
                if env.stack_name(up) in live}
    try:
        ws = with_context(ws, env, graph, name, upstream)
        return resolve(ws, env, graph, name, upstream, secrets or Secrets(lambda s: None),
                       static_parts(ws, env, name), ssm), ""
    except DeployError as exc:
        return None, exc.message


def stale_upstreams(ws: Workspace, env: Environment, graph: StackGraph, live: dict[str, dict],
                    stacks: list[str], secrets: Secrets | None = None,
                    ssm: SsmValues | None = None) -> list[PlanItem]:
    """Stacks that `stacks` depend on, outside them, that are not deployed and up to date."""
    outside = {up for name in stacks if name in graph.dag
               for up in nx.ancestors(graph.dag, name)} - set(stacks)
    if not outside:
        return []
    chosen = [n for n in graph.order() if n in outside]
    return [item for item in make_plan(ws, env, graph, live, chosen, secrets, ssm=ssm).items
            if item.stack in outside and item.action != SKIP]


def orphans(ws: Workspace, env: Environment, live: dict[str, dict]) -> list[PlanItem]:
    """Stacks this workspace deployed to the environment that are no longer in it, or that
    a change of its `naming` left behind under their old names."""
    found = []
    for stack_name, stack in sorted(live.items()):
        tags = tags_of(stack)
        if tags.get("ws:workspace") != ws.name or tags.get("ws:env") != env.name \
                or tags.get("ws:owner") != env.owner:
            continue
        name = tags.get("ws:stack", "?")
        if name not in ws.stacks:
            found.append(PlanItem(name, stack_name, ORPHAN,
                                  "no longer in the workspace (ws deploy --prune deletes it)"))
        elif env.stack_name(name) != stack_name:
            found.append(PlanItem(name, stack_name, ORPHAN, "deployed under an earlier naming "
                                  f"(now {env.stack_name(name)}): ws deploy --prune deletes it"))
    return found


def as_dicts(items: list[PlanItem] | tuple[PlanItem, ...]) -> list[dict[str, str]]:
    return [asdict(item) for item in items]
