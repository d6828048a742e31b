"""The local files a stack's template names (code, definitions, includes, nested templates):
each inside the workspace, existing, free of links out of its folder, code within Lambda's size
limit. Checked by stat, before anything is read, built or deployed."""
from __future__ import annotations

from pathlib import Path

from ws.config.workspace import Workspace
from ws.errors import ConfigError
from ws.lint.limits import Problem
from ws.package.nested import Inventory, stack_inventory


def check(ws: Workspace, stacks: list[str]) -> list[Problem]:
    """The first problem found in each stack's local files."""
    found = []
    for name in stacks:
        stack = ws.stacks[name]
        try:
            stack_inventory(stack, ws.root, sizes=True)
        except ConfigError as exc:
            prefix = exc.path if exc.line is None else f"{exc.path}:{exc.line}"
            message = exc.message.removeprefix(f"{prefix}: ")
            found.append(Problem(exc.path or stack.template.display, exc.line, message))
    return found


def templates(ws: Workspace, stacks: list[str]) -> dict[str, Path]:
    """The stacks' templates and the templates they nest (display -> path): what cfn-lint
    checks. A stack whose local files are wrong adds only its own (check() reports it); a
    stand-in for a template its before_deploy targets did not make adds none."""
    found = {}
    for name in stacks:
        stack = ws.stacks[name]
        if stack.build_failure:
            continue
        found[stack.template.display] = stack.template.path
        try:
            found.update(_nested(stack_inventory(stack, ws.root)))
        except ConfigError:
            continue
    return found


def _nested(found: Inventory) -> dict[str, Path]:
    paths = {}
    for _, child in found.nested:
        paths[child.template.display] = child.template.path
        paths.update(_nested(child))
    return paths
