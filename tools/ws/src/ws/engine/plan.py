"""`ws plan`: what a `ws deploy --changed` would do to each stack, and why."""
from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import networkx as nx

from ws.cloud.livestate import deployed_stacks, outputs_of, parameters_of, tags_of
from ws.cloud.secrets import Secrets
from ws.cloud.stackops import GOOD
from ws.config import refs
from ws.config.environment import Environment
from ws.config.workspace import Workspace
from ws.engine.fingerprint import FINGERPRINT_TAG, fingerprint, static_parts
from ws.engine.inputs import substitute
from ws.engine.run import select, stack_tags
from ws.errors import DeployError
from ws.graph.stackgraph import StackGraph, build_graph

DEPLOY, SKIP, LATER, ORPHAN = "deploy", "skip", "decide after upstream", "orphaned"


@dataclass(frozen=True)
class PlanItem:
    """One stack's decision."""

    stack: str
    stack_name: str
    action: str
    reason: str


def plan(ws: Workspace, env: Environment, cfn: Any, stacks: tuple[str, ...] | None = None,
         secrets: Secrets | None = None) -> list[PlanItem]:
    """Decide every selected stack against what is deployed (one batched describe)."""
    graph = build_graph(ws, env)
    selected = select(graph, stacks)
    live = deployed_stacks(cfn, None)
    for name, shared in graph.shared.items():
        if shared.stack_name in live:
            live[env.stack_name(name)] = live[shared.stack_name]
    items: dict[str, PlanItem] = {}
    for name in selected:
        items[name] = _decide(ws, env, graph, name, live, items, secrets)
    result = list(items.values())
    result += [PlanItem(n, env.stack_name(n), SKIP, why) for n, why in graph.left_out().items()]
    return result + orphans(ws, env, live)


def _decide(ws: Workspace, env: Environment, graph: StackGraph, name: str,
            live: dict[str, dict], items: dict[str, PlanItem],
            secrets: Secrets | None) -> PlanItem:
    stack_name = env.stack_name(name)
    current = live.get(stack_name)
    if current is None:
        return PlanItem(name, stack_name, DEPLOY, "not deployed")
    if current["StackStatus"] not in GOOD:
        return PlanItem(name, stack_name, DEPLOY, f"last deploy did not succeed "
                                                  f"({current['StackStatus']})")
    pending = [up for up in graph.upstream(name) if up in items and items[up].action != SKIP]
    consumed = {r.stack for v in graph.params[name].values() for r in refs.parse(v)
                if not r.is_builtin}
    if set(pending) & consumed:
        ups = ", ".join(sorted(set(pending) & consumed))
        return PlanItem(name, stack_name, LATER, f"depends on {ups} (decided after it deploys)")
    upstream = {up: outputs_of(live[env.stack_name(up)]) for up in consumed
                if env.stack_name(up) in live}
    try:
        params = substitute(graph.params[name], upstream)
        if secrets is not None:
            params = secrets.fingerprinted(params)  # versions only: nothing decrypted
        elif any(refs.secret_of(v) for v in params.values()):
            return PlanItem(name, stack_name, DEPLOY, "cannot tell: its secrets were not read")
    except DeployError as exc:
        return PlanItem(name, stack_name, DEPLOY, f"cannot tell: {exc.message}")
    print_ = fingerprint(static_parts(ws, env, name), params, stack_tags(ws, env, name))
    tags = tags_of(current)
    if tags.get(FINGERPRINT_TAG) == print_.value:
        return PlanItem(name, stack_name, SKIP, "unchanged")
    plain = {k: v for k, v in params.items() if refs.secret_of(graph.params[name][k]) is None}
    reasons = print_.reasons(tags, parameters_of(current), plain)
    return PlanItem(name, stack_name, DEPLOY, ", ".join(reasons))


def stale_upstreams(ws: Workspace, env: Environment, cfn: Any, stacks: tuple[str, ...],
                    secrets: Secrets | None = None) -> list[PlanItem]:
    """Stacks that `stacks` depend on, outside them, that are not deployed and up to date."""
    graph = build_graph(ws, env)
    outside = {up for name in stacks if name in graph.dag
               for up in nx.ancestors(graph.dag, name)} - set(stacks)
    if not outside:
        return []
    return [item for item in plan(ws, env, cfn, tuple(sorted(outside)), secrets)
            if item.stack in outside and item.action != SKIP]


def orphans(ws: Workspace, env: Environment, live: dict[str, dict]) -> list[PlanItem]:
    """Stacks this workspace deployed to the environment that are no longer in it."""
    found = []
    for stack_name, stack in sorted(live.items()):
        tags = tags_of(stack)
        if tags.get("ws:workspace") == ws.name and tags.get("ws:env") == env.name \
                and tags.get("ws:owner") == env.owner \
                and tags.get("ws:stack") not in ws.stacks:
            found.append(PlanItem(tags.get("ws:stack", "?"), stack_name, ORPHAN,
                                  "no longer in the workspace (ws deploy --prune deletes it)"))
    return found


def as_dicts(items: list[PlanItem]) -> list[dict[str, str]]:
    return [asdict(item) for item in items]
