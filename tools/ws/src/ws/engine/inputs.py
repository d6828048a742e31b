"""What a stack deploys with: parameters resolved from upstream outputs, shared stacks'
outputs and secrets, its tags, and the fingerprint of it all. One composition for every caller."""
from __future__ import annotations

from dataclasses import dataclass

from ws.cloud.livestate import outputs_of
from ws.cloud.secrets import SecretRef, Secrets
from ws.cloud.ssmvalues import SsmValues
from ws.config import refs
from ws.config.environment import Environment
from ws.config.workspace import Workspace
from ws.engine.assets import values_part
from ws.engine.fingerprint import Fingerprint, digest, fingerprint
from ws.errors import DeployError, UsageError
from ws.graph.stackgraph import StackGraph


@dataclass(frozen=True)
class StackInputs:
    """A stack's resolved inputs: what is fingerprinted, and what is sent once secrets' values
    are read (sending.parameters_to_send, only for a stack that deploys).

    A parameter is a secret only when the text the user wrote is a whole `${ssm:...}` or
    `${secretsmanager:...}`; references are filled in once, so an upstream output that looks
    like a reference is data, sent as it is."""

    secret_refs: dict[str, SecretRef]  # parameter -> (kind, name), names filled in; unread
    plain: dict[str, str]  # the parameters that are not secrets, references filled in
    tags: dict[str, str]
    fingerprint: Fingerprint


def stack_tags(ws: Workspace, env: Environment, name: str) -> dict[str, str]:
    """The stack's tags: the environment's, the stack's own, and ws's fixed identity tags."""
    owner = {"ws:owner": env.owner} if env.owner else {}
    return {**env.tags, **ws.stacks[name].tags, "ws:workspace": ws.name, "ws:env": env.name,
            "ws:stack": name, **owner}


def consumed(graph: StackGraph, name: str) -> set[str]:
    """The stacks whose outputs `name`'s parameters (and published assets) use, and those
    that write the SSM parameters it reads."""
    values = [*graph.params[name].values(), *graph.context.get(name, {}).values()]
    return {r.stack for v in values for r in refs.parse(v)
            if not r.is_builtin} | set(graph.assets_use.get(name, ())) \
        | {maker for maker in graph.ssm_reads.get(name, {}).values() if maker}


def resolve(ws: Workspace, env: Environment, graph: StackGraph, name: str,
            outputs: dict[str, dict[str, str]], secrets: Secrets,
            static: dict[str, str], ssm: SsmValues | None = None) -> StackInputs:
    """Substitute upstream outputs, then fingerprint (secrets by version: nothing decrypted)
    with the tags, and the values of the SSM parameters it reads (`ssm`). Raises DeployError
    when an output it needs is missing."""
    secret_refs, plain = split(graph.params[name], outputs)
    printed = {**plain, **secrets.fingerprinted(secret_refs)}
    tags = stack_tags(ws, env, name)
    static = {**static, **values_part(ws, env, name, outputs), **ssm_part(graph, name, ssm)}
    return StackInputs(secret_refs, plain, tags, fingerprint(static, printed, tags))


def ssm_part(graph: StackGraph, name: str, ssm: SsmValues | None) -> dict[str, str]:
    """The fingerprint part of the SSM parameter values the stack reads (none: no part)."""
    names = graph.ssm_reads.get(name)
    if not names:
        return {}
    if ssm is None:
        raise DeployError("the SSM parameters it reads were not read")
    return {"ssm": digest(ssm.values(names))}


def outside_outputs(graph: StackGraph, selected: list[str], env: Environment,
                    live: dict[str, dict]) -> dict[str, dict[str, str]]:
    """Outputs of stacks a run uses but does not deploy: upstreams left out of the selection,
    and shared stacks. They must already exist."""
    outside = sorted({up for name in selected for up in graph.upstream(name)} - set(selected))
    outputs = {}
    for up in outside:
        stack = live.get(env.stack_name(up))
        if stack is None:
            raise UsageError(f"{up} is not deployed in environment {env.name}, "
                             f"and selected stacks depend on it",
                             "deploy it first or add it to --stacks")
        outputs[up] = outputs_of(stack)
    for name, shared in sorted(graph.shared.items()):
        stack = live.get(shared.stack_name)
        if stack is None:
            raise UsageError(f"{name} is shared from environment {shared.env}, but "
                             f"{shared.stack_name} is not deployed",
                             f"deploy it there first: ws deploy --env {shared.env} --stacks {name}")
        outputs[name] = outputs_of(stack)
    return outputs


def split(params: dict[str, str], outputs: dict[str, dict[str, str]]
          ) -> tuple[dict[str, SecretRef], dict[str, str]]:
    """The secret parameters as (kind, name) and the others as text, `${stack.Output}`
    references filled in once from known outputs. Whether a value is a secret is decided on
    what was written, never on what an output put in it."""
    secret_refs: dict[str, SecretRef] = {}
    plain: dict[str, str] = {}
    lookup = lambda ref: output_value(outputs, ref)  # noqa: E731
    for key, value in params.items():
        found = refs.secret_of(value)
        if found is None:
            plain[key] = refs.substitute(value, lookup)
        else:
            secret_refs[key] = (found[0], refs.substitute(found[1], lookup))
    return secret_refs, plain


def output_value(outputs: dict[str, dict[str, str]], ref: refs.Ref) -> str:
    """The output a reference names; DeployError when the stack has none such."""
    try:
        return outputs[ref.stack][ref.output]
    except KeyError:
        raise DeployError(f"{ref}: stack {ref.stack} has no output {ref.output} "
                          "after its deploy") from None
