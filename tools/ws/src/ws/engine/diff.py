"""`ws diff`: per stack, the resource changes a deploy would make (change sets, then discarded)."""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from typing import Any

from ws.cloud.backend import Backend
from ws.cloud.changesets import STATEFUL, Change, ChangeSets
from ws.cloud.livestate import RECORD_OUTPUT, deployed_stacks, outputs_of
from ws.cloud.secrets import Secrets
from ws.cloud.ssmvalues import SsmValues
from ws.cloud.stackops import UPDATABLE, StackOps, StackRequest
from ws.config.environment import Environment
from ws.config.workspace import Workspace
from ws.engine.cdkcontext import with_context
from ws.engine.decide import SKIP
from ws.engine.fingerprint import static_parts
from ws.engine.inputs import consumed, resolve
from ws.engine.plan import make_plan, select
from ws.engine.sending import parameters_to_send
from ws.errors import DeployError
from ws.graph.stackgraph import StackGraph
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


def diff(ws: Workspace, env: Environment, graph: StackGraph, backend: Backend,
         stacks: tuple[str, ...] | None = None, commit: str = "",
         version: str = "") -> list[StackDiff]:
    """What deploying `stacks` (default all) would change now; nothing is changed. The plan's
    decision (the one `decide`) says which stacks are unchanged: no change set is made for them."""
    selected = select(graph, stacks)
    cfn = backend.client("cloudformation")
    live = deployed_stacks(cfn, None)
    secrets, ssm = Secrets(backend.client), SsmValues(backend.client)
    plan = make_plan(ws, env, graph, live, selected, secrets, ssm=ssm)
    outputs = {name: outputs_of(live[env.stack_name(name)]) for name in graph.dag
               if env.stack_name(name) in live}
    outputs.update({name: outputs_of(live[s.stack_name]) for name, s in graph.shared.items()
                    if s.stack_name in live})
    packaged = package_stacks(ws, backend, plan.to_change(), env.placeholders != "error")
    upload = packaged.uploader()
    change_sets = ChangeSets(StackOps(cfn, synchronous=backend.synchronous))

    def one(name: str) -> StackDiff:
        stack_name = env.stack_name(name)
        if plan[name].action == SKIP:
            return StackDiff(name, stack_name, "no changes", note=plan[name].reason)
        waiting = sorted(up for up in consumed(graph, name) if up not in outputs)
        if waiting:
            return StackDiff(name, stack_name, "after upstream",
                             note=f"needs outputs of {', '.join(waiting)}, not deployed yet")
        current = live.get(stack_name)
        if current is not None and current["StackStatus"] not in UPDATABLE:
            return StackDiff(name, stack_name, "cannot tell",
                             note=f"stack is {current['StackStatus']}: ws deploy waits for it, "
                                  "recreates a failed create, or says what to do")
        if name in packaged.failed:
            return StackDiff(name, stack_name, "cannot tell", note=str(packaged.failed[name]))
        now = with_context(ws, env, graph, name, outputs)  # a CDK app's context filled in
        prepared = (packaged if now is ws else packaged.restaged(now.stacks[name])).stack(name)
        for key, data in prepared.uploads.items():
            upload(key, data)
        inputs = resolve(now, env, graph, name, outputs, secrets, static_parts(now, env, name),
                         ssm)
        record = inputs.fingerprint.record(commit, version)  # as a deploy would record it
        body = prepared.with_outputs({RECORD_OUTPUT: {"Value": record}})
        try:
            parameters = parameters_to_send(inputs, body, secrets)
        except DeployError as exc:
            return StackDiff(name, stack_name, "cannot tell", note=exc.message)
        req = StackRequest(stack_name, packaged.template_argument(body, upload), parameters,
                           inputs.tags, prepared.capabilities, stack=name)
        kind = "UPDATE" if current is not None else "CREATE"
        change_set = change_sets.create(req, kind, lambda message: None)
        change_sets.discard(change_set)
        if change_set.status == "FAILED" and not change_set.empty:
            return StackDiff(name, stack_name, "cannot tell", note=change_set.reason)
        changes = () if change_set.empty else change_set.changes
        loss = [str(c) for c in changes if c.resource_type in STATEFUL and c.destructive]
        state = "new" if kind == "CREATE" else "changes" if changes else "no changes"
        return StackDiff(name, stack_name, state, changes, note=plan[name].reason,
                         data_loss=loss)

    with ThreadPoolExecutor(max_workers=ws.concurrency, thread_name_prefix="ws-diff") as pool:
        return list(pool.map(one, selected))
