"""Destroy an environment's stacks, dependents before what they depend on."""
from __future__ import annotations

from typing import Callable

from ws.cloud.livestate import deployed_stacks, outputs_of
from ws.cloud.stackops import StackResult
from ws.config.environment import Environment
from ws.engine import scheduler
from ws.engine.assets import unpublish_stack
from ws.engine.durations import load_durations
from ws.engine.plan import Plan, select
from ws.engine.request import Clock, Observer, RunRequest
from ws.engine.results import RunReport
from ws.engine.stackrun import (
    DELETES,
    Target,
    operations,
    report_of,
    run_graph,
    settled,
    stop_waiting,
)
from ws.errors import UsageError


def destroy(target: Target, request: RunRequest, observer: Observer = Observer(),
            clock: Clock = Clock()) -> RunReport:
    """Delete the environment's stacks, dependents before what they depend on."""
    started = clock.now()
    env, graph = target.env, target.graph
    selected = select(graph, request.selection.stacks)
    with operations(target, clock, DELETES) as (ops, stop):
        live = target.live if target.live is not None else deployed_stacks(ops.cfn, None)
        _check_protection(live, env, selected, request.unprotect)
        observer.on_execute(Plan(env.name, ()))

        def work(name: str) -> StackResult:
            say = lambda message: observer.on_event(name, message)  # noqa: E731
            stack_name = env.stack_name(name)
            if target.ws.stacks[name].assets:
                _unpublish(target, name, live.get(stack_name), say)
            return settled(ops, stack_name, lambda: ops.delete(
                stack_name, say, unprotect=request.unprotect, known=live.get(stack_name)),
                lambda: target.done(name))

        def finished(name: str, outcome: scheduler.Outcome) -> None:
            observer.on_finish(report_of(env, name, outcome, deploying=False))

        reverse = graph.dag.subgraph(selected).reverse(copy=True)
        return run_graph(env, "destroy", reverse, work, finished, request, observer, clock,
                         started, graph, target.ws.concurrency, weights(target),
                         lambda running: stop_waiting(stop, ops),
                         stop_reason=target.stop_reason)


def weights(target: Target) -> dict[str, float]:
    """Each stack's weight on the destroy's critical path (what the scheduler starts first,
    and the estimate of time left): how long deleting it took before, else how long deploying
    it did (a stack slow to create, a distribution or a database, is slow to delete too)."""
    state, env = target.ws.state_dir, target.env.name
    return {**load_durations(state, env), **load_durations(state, env, DELETES)}


def _unpublish(target: Target, name: str, stack: dict | None,
               emit: Callable[[str], None]) -> None:
    """Empty what ws published to the stack's buckets (`stack` as read at the start), so that
    the stack can be deleted."""
    if stack is None:
        return
    count = unpublish_stack(target.ws, target.env, target.backend, name, outputs_of(stack))
    emit(f"assets: {count} published object(s) deleted")


def _check_protection(live: dict[str, dict], env: Environment, selected: list[str],
                      unprotect: bool) -> None:
    """Refuse, before deleting anything, to destroy stacks with termination protection."""
    protected = [env.stack_name(n) for n in selected
                 if live.get(env.stack_name(n), {}).get("EnableTerminationProtection")]
    if protected and not unprotect:
        raise UsageError(f"termination protection is on for {', '.join(protected)}",
                         f"to delete them anyway: ws destroy --env {env.name} "
                         "--disable-termination-protection")
