"""The one check a deploy makes before touching any stack: command-line values that name
template parts, CloudFormation's quotas and rules, and (unless skipped) cfn-lint's errors.
Anything found is bad input (exit 2) and nothing is deployed."""
from __future__ import annotations

import multiprocessing
import re
from typing import Any, Callable, Iterable

from ws.config.environment import Environment
from ws.config.workspace import Workspace
from ws.errors import ConfigError, UsageError
from ws.lint import limits, precheck

ALLOW_REPLACE = re.compile(r"^(?P<stack>[a-z][a-z0-9-]*)\.(?P<id>[A-Za-z0-9]+)$")
HINT = "nothing was deployed: fix this and deploy again"


def before_deploy(ws: Workspace, env: Environment, stacks: list[str],
                  allow_replace: Iterable[str] = (), templates: bool = True) -> None:
    """Raise a ConfigError naming every file and line CloudFormation would refuse for
    `stacks`; `templates=False` (--no-template-check) skips the cfn-lint part."""
    check_allow_replace(ws, allow_replace)
    problems = [str(p) for p in sorted(set(limits.check(ws, env, stacks)))]
    if templates and not problems:
        found = precheck.check({ws.stacks[n].template.display: ws.stacks[n].template.path
                                for n in stacks}, env.region, ws.state_dir / "precheck")
        problems = [f"{f.display}:{f.line}: {f.rule} {f.message}" for f in found]
    if problems:
        raise ConfigError("\n  ".join(problems), HINT)


def start_check(ws: Workspace, env: Environment, stacks: list[str],
                allow_replace: Iterable[str] = (), templates: bool = True) -> Callable[[], None]:
    """`before_deploy`, with cfn-lint's part (0.7 s of import and rules when a template is
    new) in a forked process while the caller goes on: the returned function waits for it
    and raises what it found. The quick checks raise here and now. The caller must wait
    before it changes anything (a lock, a stack)."""
    check_allow_replace(ws, allow_replace)
    problems = [str(p) for p in sorted(set(limits.check(ws, env, stacks)))]
    if problems:
        raise ConfigError("\n  ".join(problems), HINT)
    paths = {ws.stacks[n].template.display: ws.stacks[n].template.path for n in stacks}
    cache = ws.state_dir / "precheck"
    if not templates or not precheck.unchecked(paths, env.region, cache):
        return lambda: None
    receive, send = multiprocessing.Pipe(duplex=False)
    child = multiprocessing.get_context("fork").Process(
        target=_check_in_child, args=(send, paths, env.region, cache), name="ws-template-check")
    child.start()
    send.close()

    def wait() -> None:
        try:
            found = receive.recv()
        except EOFError:  # the child died: check here instead
            found = precheck.check(paths, env.region, cache)
        finally:
            child.join()
        if found:
            raise ConfigError("\n  ".join(f"{f.display}:{f.line}: {f.rule} {f.message}"
                                          for f in found), HINT)
    return wait


def _check_in_child(send: Any, paths: dict, region: str, cache: Any) -> None:
    send.send(precheck.check(paths, region, cache))
    send.close()


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
