"""Deploy an environment's stacks in dependency order, in parallel where possible (destroy:
teardown.py; what both share: stackrun.py)."""
from __future__ import annotations

import logging
import threading
from dataclasses import replace
from typing import Callable

from botocore.exceptions import ClientError

from ws.cloud.artifacts import Upload
from ws.cloud.awserrors import aws_problem
from ws.cloud.changesets import ChangeSets
from ws.cloud.livestate import RECORD_OUTPUT, outputs_of
from ws.cloud.secrets import Secrets
from ws.cloud.ssmvalues import SsmValues
from ws.cloud.stackops import UNREAD, StackOps, StackRequest, StackResult
from ws.config import refs
from ws.engine import scheduler
from ws.engine.assets import publish_stack, unpublished
from ws.engine.cdkcontext import with_context
from ws.engine.decide import HOTSWAP, LATER, SKIP, decide
from ws.engine.hotswaprun import hotswap_or_deploy, hotswapper, reconciled
from ws.engine.durations import load_durations, save_durations
from ws.engine.fingerprint import static_parts
from ws.engine.inputs import StackInputs, outside_outputs, resolve
from ws.engine.plan import Plan
from ws.engine.request import Clock, Observer, RunRequest
from ws.engine.results import RunReport, Timeline
from ws.engine.sending import parameters_to_send
from ws.errors import WsError
from ws.engine.stackrun import (
    EXPECTED,
    Target,
    UPDATES,
    operations,
    ready_for,
    report_of,
    run_graph,
    settled,
    stop_waiting,
)
from ws.graph.stackgraph import StackGraph
from ws.local.containernotes import container_line
from ws.local.lambdas.deploynotes import (deploy_line, has_custom_resources, layer_line,
                                          standin_layers_line, standin_line)
from ws.package.prepare import Packaged, package_stacks

log = logging.getLogger(__name__)
OnEvent = Callable[[str, str], None]


def deploy(target: Target, plan: Plan, secrets: Secrets, request: RunRequest,
           observer: Observer = Observer(), clock: Clock = Clock(),
           timeline: Timeline | None = None, ssm: SsmValues | None = None) -> RunReport:
    """Execute `plan`: stacks it deploys are deployed, unchanged ones left alone, and the ones it
    decides later are decided (the same `decide`) once their upstreams' outputs are known (and
    the SSM parameters they read are read again once the stacks writing them have deployed)."""
    timeline = timeline or Timeline(clock.now)
    ws, env, graph, backend = target.ws, target.env, target.graph, target.backend
    selected = plan.selected()
    weights = load_durations(ws.state_dir, env.name)
    with operations(target, clock, UPDATES) as (ops, stop):
        with timeline.phase("packaging and builds"):
            packaged = package_stacks(ws, backend, plan.to_change(),
                                      env.placeholders != "error", request.retry_builds)
        live = target.live or {}
        outputs = outside_outputs(graph, selected, env, live)
        outputs.update({n: outputs_of(live[env.stack_name(n)]) for n in selected
                        if plan[n].action == SKIP})
        with timeline.phase("secrets"):
            _read_secrets(secrets, graph, plan.to_change())
        if not backend.can.asynchronous:  # no stack's work would overlap the check (each
            target.ready(None)  # call ends the operation): a refusal is one error, no stack line
        started = clock.now()
        interrupted = threading.Event()  # a first Ctrl-C: running stacks finish, none starts
        ready = ready_for(target.ready, stop,
                          lambda: "interrupted" if interrupted.is_set() else target.stop_reason())
        upload = packaged.uploader()
        emit = _masked(observer.on_event, secrets)
        observer.on_execute(plan)

        def work(name: str) -> StackResult:
            if ws.stacks[name].build_failure:  # its template is a stand-in: nothing to send
                raise WsError(ws.stacks[name].build_failure)
            current = live.get(env.stack_name(name))
            if plan[name].action == SKIP:
                return StackResult("unchanged", current["StackStatus"], outputs_of(current))
            now = with_context(ws, env, graph, name, outputs)  # a CDK app's context filled in
            inputs = resolve(now, env, graph, name, outputs, secrets,
                             static_parts(now, env, name), ssm)
            mine = packaged if now is ws else packaged.restaged(now.stacks[name])
            how = plan[name].action
            if how == LATER:
                later = decide(current, inputs, protected=env.protected, hotswap=request.hotswap,
                               swapped=target.swapped.get(env.stack_name(name)))
                log.info("%s: %s", name, later.reason)
                if later.action == SKIP:
                    return StackResult("unchanged", current["StackStatus"], outputs_of(current))
                how = later.action
            say = lambda message: emit(name, message)  # noqa: E731
            stack_name = env.stack_name(name)

            def act() -> StackResult:
                def cfn() -> StackResult:
                    return _deploy_one(target, name, inputs, mine, upload, ops, request,
                                       secrets, say, current, ready)
                hot = hotswapper(target, ops.sleep)
                result = hotswap_or_deploy(target, name, inputs, mine, current, say, ready,
                                           hot, cfn) if how == HOTSWAP else \
                    reconciled(target, name, mine, current, say, hot, cfn)
                if ws.stacks[name].assets and result.ok:  # a failed stack publishes nothing
                    ops.report_events(stack_name)  # before what publishing says
                    _publish(target, name, inputs, result, outputs,
                             lambda failed: _deploy_one(target, name, failed, mine, upload,
                                                        ops, request, secrets, say, UNREAD),
                             say, secrets.revealed)
                if result.ok:
                    outputs[name] = result.outputs  # read by the dependents settled() starts
                    if ssm is not None:  # the values it writes, for the dependents to read
                        ssm.forget(written_by(graph, name))
                return result
            return settled(ops, stack_name, act, lambda: target.done(name))

        def finished(name: str, outcome: scheduler.Outcome) -> None:
            if outcome.status == scheduler.SUCCEEDED:
                outputs[name] = outcome.value.outputs
            observer.on_finish(report_of(env, name, outcome, deploying=True, mask=secrets.mask))

        def abandon(running: list[str]) -> None:
            """Stop waiting: running waits end at once; the updates this run started are
            cancelled where the target can (CloudFormation rolls them back; a create goes on and
            the next deploy settles it; an update someone else started, which a stack was
            waiting for, is theirs)."""
            mine = [name for name in map(env.stack_name, running) if ops.ours(name)]
            stop_waiting(stop, ops)  # (the waits that end forget what they were waiting for)
            if backend.can.cancels_updates:
                for stack_name in mine:
                    ops.cancel_update(stack_name)

        report = run_graph(env, "deploy", graph.dag.subgraph(selected), work, finished,
                           request, observer, clock, started, graph, ws.concurrency, weights,
                           abandon, secrets.mask, target.stop_reason, interrupted)
    save_durations(ws.state_dir, env.name, report)
    return report


def _deploy_one(target: Target, name: str, inputs: StackInputs, packaged: Packaged,
                upload: Upload, ops: StackOps, request: RunRequest, secrets: Secrets,
                emit: OnEvent, current: dict | None | object,
                ready: Callable[[], None] = lambda: None) -> StackResult:
    """Upload the stack's artifacts and template, then create or update it (`current`: the
    stack as read under the lock, so it is not described again; UNREAD: described first)."""
    prepared = packaged.stack(name)
    if prepared.note:
        emit(prepared.note)  # type: ignore[call-arg]  # `say`: one stack's messages
    for key, data in prepared.uploads.items():
        upload(key, data)
    record = inputs.fingerprint.record(target.commit, target.version)
    body = prepared.with_outputs({RECORD_OUTPUT: {
        "Description": "ws: fingerprint, commit and version of this deploy", "Value": record}})
    parameters = parameters_to_send(inputs, body, secrets)  # read only for a stack that deploys
    req = StackRequest(target.env.stack_name(name), packaged.template_argument(body, upload),
                       parameters, inputs.tags, prepared.capabilities,
                       termination_protection=target.env.protected, stack=name,
                       recreate=name in request.recreate)
    backend = target.backend
    if backend.can.local_fixes and (line := deploy_line(prepared.body, prepared.stood_in)):
        emit(line)  # functions the local endpoint cannot run: said now, not at first invoke
    if backend.can.local_fixes and (line := layer_line(prepared.body, backend.account_id)):
        emit(line)
    if backend.can.local_fixes and (line := standin_layers_line(prepared.body,
                                                                backend.account_id)):
        emit(line)  # Powertools and the like: installed from their registry
    if backend.can.local_fixes and (line := container_line(prepared.body)):
        emit(line)  # ECS services: no container runs locally
    try:
        # An existing stack through a change set: see the changes first, guard stateful
        # resources. A new one is created at once (one call instead of a change set to make,
        # wait for and execute: nothing exists yet to guard or to compare with).
        if backend.can.change_sets and current is not None:
            sqs = backend.client("sqs")
            return ChangeSets(ops, sqs).deploy(name, req, emit, request.allow_replace, current,
                                               ready=ready)
        ready()
        result = ops.deploy(req, emit, current)
        if backend.can.local_fixes and result.ok and has_custom_resources(prepared.body):
            events = ops.cfn.describe_stack_events(StackName=req.name)["StackEvents"]
            if line := standin_line(events, req.name):
                emit(line)  # custom resources whose function needs a service the endpoint lacks
        return result
    except ClientError as exc:
        raise aws_problem(exc) or exc from None


def _publish(target: Target, name: str, inputs: StackInputs, result: StackResult,
             outputs: dict[str, dict[str, str]], redeploy: Callable[[StackInputs], StackResult],
             emit: Callable[[str], None], revealed: Callable[[str], str | None]) -> None:
    """Publish the stack's assets after it deployed (outputs -> assets -> fingerprint). The
    fingerprint was recorded with the stack; if publishing fails it is recorded again as
    unpublished (an update of the stack just deployed, read again: not waiting for the template
    check, which it passed, nor stopped by a first Ctrl-C), so that the next `--changed`
    publishes again."""
    try:
        publish_stack(target.ws, target.env, target.backend, name, result.outputs, outputs,
                      emit, revealed)
    except EXPECTED:
        try:
            recorded = redeploy(replace(inputs, fingerprint=unpublished(inputs.fingerprint)))
            if not recorded.ok:
                log.warning("%s: recording the unpublished assets failed: %s", name,
                            recorded.reason)
        except EXPECTED as exc:
            log.warning("%s: recording the unpublished assets failed: %s", name, exc)
        raise


def written_by(graph: StackGraph, name: str) -> set[str]:
    """The SSM parameters `name` creates that other stacks read."""
    return {n for reads in graph.ssm_reads.values() for n, maker in reads.items()
            if maker == name}


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


