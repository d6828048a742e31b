"""`ws diff`: per stack, the resource changes a deploy would make (change sets, then discarded)."""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from typing import Any

from ws.cloud.backend import Backend
from ws.cloud.changesets import STATEFUL, Change, ChangeSets
from ws.cloud.livestate import deployed_stacks, outputs_of
from ws.cloud.stackops import UPDATABLE, StackOps, StackRequest
from ws.config import refs
from ws.config.environment import Environment
from ws.config.workspace import Workspace
from ws.engine.fingerprint import fingerprint, static_parts
from ws.engine.inputs import names_to_read, substitute
from ws.engine.run import read_secrets, select, stack_tags
from ws.graph.stackgraph import build_graph
from ws.package.prepare import package_stacks


@dataclass(frozen=True)
class StackDiff:
    stack: str
    stack_name: str
    state: str  # new | changes | no changes | after upstream | cannot tell
    changes: tuple[Change, ...] = ()
    note: str = ""
    data_loss: list[str] = field(default_factory=list)  # stateful replacements and removals

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "changes": [{**asdict(c), "verb": c.verb} for c in self.changes]}


def diff(ws: Workspace, env: Environment, backend: Backend,
         stacks: tuple[str, ...] | None = None) -> list[StackDiff]:
    """What deploying `stacks` (default all) would change now; nothing is changed."""
    graph = build_graph(ws, env)
    selected = select(graph, stacks)
    cfn = backend.client("cloudformation")
    live = deployed_stacks(cfn, names_to_read(graph, env))
    outputs = {name: outputs_of(live[env.stack_name(name)]) for name in graph.dag
               if env.stack_name(name) in live}
    outputs.update({name: outputs_of(live[s.stack_name]) for name, s in graph.shared.items()
                    if s.stack_name in live})
    packaged = package_stacks(ws, backend, selected)
    prepared = packaged.prepared
    upload = packaged.uploader()
    secrets = read_secrets(backend, graph, selected)
    change_sets = ChangeSets(StackOps(cfn, synchronous=backend.synchronous))

    def one(name: str) -> StackDiff:
        stack_name = env.stack_name(name)
        waiting = sorted({r.stack for v in graph.params[name].values() for r in refs.parse(v)
                          if not r.is_builtin and r.stack not in outputs})
        if waiting:
            return StackDiff(name, stack_name, "after upstream",
                             note=f"needs outputs of {', '.join(waiting)}, not deployed yet")
        current = live.get(stack_name)
        if current is not None and current["StackStatus"] not in UPDATABLE:
            return StackDiff(name, stack_name, "cannot tell",
                             note=f"stack is {current['StackStatus']}: ws deploy waits for it, "
                                  "recreates a failed create, or says what to do")
        for key, data in prepared[name].uploads.items():
            upload(key, data)
        params, printed = secrets.apply(substitute(graph.params[name], outputs))
        tags = stack_tags(ws, env, name)  # with the fingerprint a deploy would record
        tags.update(fingerprint(static_parts(ws, env, name), printed, tags).tags())
        req = StackRequest(stack_name, prepared[name].template, params, tags,
                           prepared[name].capabilities)
        kind = "UPDATE" if current is not None else "CREATE"
        change_set = change_sets.create(req, kind, lambda message: None)
        change_sets.discard(change_set)
        if change_set.status == "FAILED" and not change_set.empty:
            return StackDiff(name, stack_name, "cannot tell", note=change_set.reason)
        changes = () if change_set.empty else change_set.changes
        loss = [str(c) for c in changes if c.resource_type in STATEFUL and c.destructive]
        state = "new" if kind == "CREATE" else "changes" if changes else "no changes"
        return StackDiff(name, stack_name, state, changes, data_loss=loss)

    with ThreadPoolExecutor(max_workers=ws.concurrency, thread_name_prefix="ws-diff") as pool:
        return list(pool.map(one, selected))
