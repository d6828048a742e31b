"""Imports no stack of the workspace exports under this environment's naming. One that a
workspace stack's `${AWS::StackName}-X` export would match under another name probably needs
`import_prefixes` (the line to add is given). On the local endpoint, which holds only what ws
deploys, every such import would roll its stack back: an error before anything deploys. On AWS
it may be an export from outside the workspace (a network team's `network-prod-VpcId` while a
workspace stack exports `${AWS::StackName}-VpcId`): `ws validate` warns, deploy goes on."""
from __future__ import annotations

from dataclasses import dataclass

from ws.config.environment import Environment
from ws.config.importnames import FIELD
from ws.config.templates import Template, sub_parts, static_value
from ws.config.workspace import Workspace
from ws.graph.stackgraph import parameter_values, static_variables
from ws.lint.limits import Problem

_NAME = "\x00stack\x00"  # stands for AWS::StackName, to learn what an export adds to it


@dataclass(frozen=True)
class Exports:
    """What the workspace's stacks export in one environment."""

    names: frozenset[str]
    endings: dict[str, frozenset[str]]  # stack -> X of its `${AWS::StackName}X` exports
    unknown: bool  # some export's name is known only at deploy time


def import_problems(ws: Workspace, env: Environment, stacks: list[str]) -> list[Problem]:
    """The errors: on the local endpoint, each import of `stacks` no workspace stack exports."""
    return unexported(ws, env, stacks) if env.target == "local" else []


def import_warnings(ws: Workspace, env: Environment, stacks: list[str]) -> list[Problem]:
    """The warnings: on AWS, each import a workspace stack would export under another name."""
    return [] if env.target == "local" else unexported(ws, env, stacks)


def unexported(ws: Workspace, env: Environment, stacks: list[str]) -> list[Problem]:
    """Each import of `stacks` that no workspace stack exports here, when ws can tell (on AWS,
    only those a workspace stack's export pattern matches)."""
    exports = workspace_exports(ws, env)
    found = []
    for name in stacks:
        stack = ws.stacks[name]
        variables = static_variables(ws, env, name, parameter_values(ws, env, name))
        for expr in stack.template.imports():
            value = static_value(expr, variables)
            if value is None or value in exports.names:
                continue
            message = _message(value, exports, env, name, stack.config_file)
            if message:
                found.append(Problem(stack.template.display, _line(stack.template, expr),
                                     message))
    return found


def workspace_exports(ws: Workspace, env: Environment) -> Exports:
    names, endings, unknown = set(), {}, False
    for name, stack in ws.stacks.items():
        variables = static_variables(ws, env, name, parameter_values(ws, env, name))
        pattern = {**variables, "AWS::StackName": _NAME}
        mine = set()
        for expr in stack.template.exports().values():
            value, shape = static_value(expr, variables), static_value(expr, pattern)
            unknown |= value is None
            names |= {value} if value is not None else set()
            if shape and shape.startswith(_NAME) and _NAME not in shape[len(_NAME):]:
                mine.add(shape[len(_NAME):])
        endings[name] = frozenset(e for e in mine if e and not e[0].isalnum())
    return Exports(frozenset(names), endings, unknown)


def _message(value: str, exports: Exports, env: Environment, importer: str,
             config: str) -> str:
    matches = sorted((len(end), stack, end) for stack, ends in exports.endings.items()
                     for end in ends if value.endswith(end) and len(value) > len(end)
                     and stack != importer)
    if matches:
        _, stack, end = matches[-1]
        prefix = value[:-len(end)]
        return (f"Fn::ImportValue {value!r}: no stack of the workspace exports it here; stack "
                f"{stack} exports {env.stack_name(stack)}{end}. If the import means that one, "
                f"add to {config}: `{FIELD}: {{{prefix}: {stack}}}`")
    if env.target == "local" and not exports.unknown:
        return (f"Fn::ImportValue {value!r}: no stack of the workspace exports it, and the "
                "local endpoint holds only what ws deploys (the stack would roll back): add "
                "the stack that exports it to the workspace, or pass the value as a parameter")
    return ""


def _line(template: Template, expr: object) -> int | None:
    """The line of the import in the template's text: its name, or its Sub's text."""
    text = expr if isinstance(expr, str) else \
        sub_parts(expr.get("Fn::Sub"))[0] if isinstance(expr, dict) else None
    try:
        lines = template.path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return None
    for needle in filter(None, (text, "ImportValue")):
        for number, line in enumerate(lines, start=1):
            if needle in line:
                return number
    return None
