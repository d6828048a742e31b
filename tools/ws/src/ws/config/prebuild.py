"""A stack's `before_deploy:` targets: what loading asks a builder to run before it reads the
stack's template, and the stand-in template of a stack whose build failed or never ran."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from ws.config.targets import Target
from ws.config.templates import Template
from ws.errors import ConfigError


@dataclass(frozen=True)
class BuildRequest:
    """One stack folder's targets to run before its template is read."""

    stack: str
    rel_dir: str
    targets: dict[str, Target]  # all of the stack's targets (those named may depend on others)
    before_deploy: tuple[str, ...]
    depends_on: tuple[str, ...] = ()  # its stack.yaml's (for `^target`: templates are unread)


# Runs the requests (cached, in dependency order); returns why each failed stack failed.
Builder = Callable[[list[BuildRequest]], dict[str, str]]


def check_names(names: tuple[str, ...], targets: dict[str, Target], path: str,
                line: int | None) -> None:
    """Every name in before_deploy is a target of the stack (its own or a default)."""
    for name in names:
        if name not in targets:
            raise ConfigError(f"before_deploy names {name!r}, which is not a target of this "
                              "stack", f"its targets: {', '.join(targets) or 'none'} (declare "
                              f"it under 'targets:')", path=path, line=line)


def not_built(rel_dir: str, template: str, names: tuple[str, ...], ran: bool = False) -> str:
    """Why a stack has no template: its build did not make it, or did not run (a command that
    does not build)."""
    if ran:
        return (f"its before_deploy target(s) {', '.join(names)} succeeded but did not make "
                f"{rel_dir}/{template}: fix the target's command or 'template:'")
    return (f"{rel_dir}/{template} is made by its before_deploy target(s) "
            f"{', '.join(names)}, which did not run: `ws deploy`, `ws plan`, `ws validate` and "
            f"`ws graph` run them (or `ws run {' '.join(names)}`)")


def stand_in(folder: Path, rel_dir: str) -> Template:
    """A template with one inert resource, in place of one that could not be made: the stack
    keeps its place in the graph and fails when it is deployed."""
    body = {"Resources": {"NotBuilt": {"Type": "AWS::CloudFormation::WaitConditionHandle"}}}
    return Template(folder / "(not built)", f"{rel_dir} (not built)", body)
