"""The one check a deploy makes before touching any stack: command-line values that name
template parts, CloudFormation's quotas and rules, and (unless skipped) cfn-lint's errors.
Anything found is bad input (exit 2) and nothing is deployed."""
from __future__ import annotations

import re
from typing import Iterable

from ws.config.environment import Environment
from ws.config.workspace import Workspace
from ws.errors import UsageError
from ws.lint import limits, localpaths, precheck
from ws.lint.checker import Passed, refusal

ALLOW_REPLACE = re.compile(r"^(?P<stack>[a-z][a-z0-9-]*)\.(?P<id>[A-Za-z0-9]+)$")


def before_deploy(ws: Workspace, env: Environment, stacks: list[str],
                  allow_replace: Iterable[str] = (), templates: bool = True) -> None:
    """Raise a ConfigError naming every file and line CloudFormation would refuse for
    `stacks`; `templates=False` (--no-template-check) skips the cfn-lint part."""
    check_allow_replace(ws, allow_replace)
    found: list = quick_problems(ws, env, stacks)
    if templates:
        found += precheck.check(_paths(ws, stacks), env.region, ws.state_dir / "precheck")
    if found:
        raise refusal(found)


def send_check(check: Passed, ws: Workspace, env: Environment, stacks: list[str],
               allow_replace: Iterable[str] = ()) -> None:
    """`before_deploy`, with cfn-lint's part handed to `check` (started when the workspace was
    loaded: ws.lint.checker): when the quick checks find something, it is raised here and now
    with what cfn-lint finds (every stack refused named in one run); else the caller waits for
    `check` before it creates, changes or deletes a stack."""
    check_allow_replace(ws, allow_replace)
    found: list = quick_problems(ws, env, stacks)
    check.check(_paths(ws, stacks))
    if found:
        raise refusal(found + check.findings())


def quick_problems(ws: Workspace, env: Environment, stacks: list[str]) -> list[limits.Problem]:
    """CloudFormation's quotas and rules that ws can know, and the local files templates name,
    for every stack (none stops it)."""
    return sorted(set(limits.check(ws, env, stacks) + localpaths.check(ws, stacks)))


def _paths(ws: Workspace, stacks: list[str]) -> dict:
    return localpaths.templates(ws, stacks)  # nested templates too


def check_allow_replace(ws: Workspace, values: Iterable[str]) -> None:
    """Each --allow-replace is STACK.LOGICAL_ID naming a stack and one of its resources."""
    for value in values:
        match = ALLOW_REPLACE.match(value)
        if not match:
            raise UsageError(f"--allow-replace {value!r}: write STACK.LOGICAL_ID",
                             "for example --allow-replace orders.OrdersTable")
        stack = ws.stacks.get(match["stack"])
        if stack is None:
            raise UsageError(f"--allow-replace {value!r}: no stack {match['stack']!r}",
                             f"known stacks: {', '.join(sorted(ws.stacks))}")
        if not _declares(stack.template.body, match["id"], stack.template.is_sam):
            raise UsageError(f"--allow-replace {value!r}: {stack.template.display} declares "
                             f"no resource {match['id']!r}")


def _declares(body: dict, logical_id: str, sam: bool) -> bool:
    """A SAM resource expands into resources named after it (Fn -> FnRole): accept those."""
    resources = body.get("Resources") or {}
    return logical_id in resources or sam and any(
        logical_id.startswith(name) for name, spec in resources.items()
        if str((spec or {}).get("Type", "")).startswith("AWS::Serverless::"))
