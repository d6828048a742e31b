"""The `targets:` of workspace.yaml (defaults) and stack.yaml: what `ws run TARGET` runs."""
from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass
from typing import Any

from ws.config import fields as schema
from ws.config.fields import Field
from ws.errors import ConfigError

TARGET_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_.-]{0,63}$")
TARGET_NAME_HINT = "use letters, digits, '-', '_' and '.', starting with a letter"
_TARGET_FIELDS = {
    "command": Field(object, required=True),  # a string (shell) or a list (no shell)
    "inputs": Field(list, default=None),  # None: every file of the stack folder
    "outputs": Field(list, default=[]),
    "env": Field(list, default=[]),
    "dependsOn": Field(list, default=[]),
    "description": Field(str, default=""),
}
_VARIABLE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


@dataclass(frozen=True)
class Target:
    """One target of one stack (or a workspace default): how to run it and what it reads."""

    name: str
    command: str | tuple[str, ...]
    inputs: tuple[str, ...] | None
    outputs: tuple[str, ...]
    env: tuple[str, ...]
    depends_on: tuple[str, ...]
    file: str
    line: int | None = None

    def declaration(self) -> dict[str, Any]:
        """What decides the target's result besides its files (hashed)."""
        return {"command": self.command, "inputs": self.inputs, "outputs": self.outputs,
                "env": self.env, "dependsOn": self.depends_on}


def parse_targets(data: Any, path: str, line: int | None) -> dict[str, Target | None]:
    """`targets:` as written: name -> Target, or None where it is switched off (false/null)."""
    if data is None:
        return {}
    schema.expect(data, dict, path, line, "'targets'")
    found: dict[str, Target | None] = {}
    for name, spec in data.items():
        where = schema.line_of(data, name)
        if not isinstance(name, str) or not TARGET_NAME.match(name):
            raise ConfigError(f"target name {name!r} is not valid", TARGET_NAME_HINT, path=path,
                              line=where)
        if spec is None or spec is False:
            found[name] = None
            continue
        found[name] = _target(name, spec, path, where)
    return found


def _target(name: str, spec: Any, path: str, line: int | None) -> Target:
    what = f"target {name!r}"
    if spec is True:
        raise ConfigError(f"{what}: true is not a target", "write its command: "
                          f"{name}: {{command: ...}}, or false to switch it off", path=path, line=line)
    values = schema.check(spec, _TARGET_FIELDS, path, what)
    command = values["command"]
    key_line = schema.line_of(spec, "command")
    if isinstance(command, list) and command and all(isinstance(c, str) for c in command):
        command = tuple(command)
    elif not isinstance(command, str) or not command.strip():
        raise ConfigError(f"{what}: 'command' must be a non-empty string or a list of strings",
                          path=path, line=key_line)
    lists = {key: _strings(values[key], spec, key, path, what)
             for key in ("outputs", "env", "dependsOn")}
    inputs = values["inputs"]
    for variable in lists["env"]:
        if not _VARIABLE.match(variable):
            raise ConfigError(f"{what}: {variable!r} is not an environment variable name",
                              path=path, line=schema.line_of(spec, "env"))
    for dep in lists["dependsOn"]:
        if not TARGET_NAME.match(dep.removeprefix("^")):
            raise ConfigError(f"{what}: dependsOn entry {dep!r} names no target",
                              "write a target of this stack (lint) or of the stacks it depends "
                              "on (^build)", path=path, line=schema.line_of(spec, "dependsOn"))
    return Target(name, command, None if inputs is None else _strings(inputs, spec, "inputs",
                                                                       path, what),
                  lists["outputs"], lists["env"], lists["dependsOn"], path, line)


def _strings(items: list, spec: Any, key: str, path: str, what: str) -> tuple[str, ...]:
    for item in items:
        if not isinstance(item, str) or not item.strip():
            raise ConfigError(f"{what}: each of {key!r} must be a non-empty string",
                              path=path, line=schema.line_of(spec, key))
    return tuple(items)


def merge(defaults: dict[str, Target | None],
          own: dict[str, Target | None]) -> dict[str, Target]:
    """A stack's targets: the workspace's defaults, each replaced whole or switched off by the
    stack's own."""
    merged = {**defaults, **own}
    return {name: target for name, target in sorted(merged.items()) if target is not None}


def check_same_stack(targets: dict[str, Target], path: str) -> None:
    """A dependsOn without ^ names another target of the same stack."""
    for target in targets.values():
        for dep in target.depends_on:
            if not dep.startswith("^") and dep not in targets:
                raise ConfigError(f"target {target.name!r} depends on {dep!r}, which this stack "
                                  "does not have", f"its targets: {', '.join(targets) or 'none'}"
                                  f" (write ^{dep} for the stacks it depends on)",
                                  path=target.file if target.file else path, line=target.line)


def check_globs(targets: dict[str, Target], rel_dir: str) -> None:
    """Inputs and outputs stay inside the workspace (the stack folder is `rel_dir` in it)."""
    for target in targets.values():
        for pattern in (*(target.inputs or ()), *target.outputs):
            joined = posixpath.normpath(posixpath.join(rel_dir, pattern))
            if pattern.startswith("/") or joined == ".." or joined.startswith("../"):
                raise ConfigError(f"target {target.name!r}: {pattern!r} leads outside the "
                                  "workspace", "write globs relative to the stack folder, "
                                  "inside the workspace", path=target.file, line=target.line)
