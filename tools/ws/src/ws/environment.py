"""Load and validate environments/<name>.yaml: where and how a workspace is deployed."""
from __future__ import annotations

import re
from dataclasses import dataclass

from . import schema
from .errors import ConfigError
from .schema import Field
from .workspace import NAME, Workspace, check_parameter
from .yamlfile import load

ENV_DIR = "environments"
TARGETS = ("local", "aws")
STACK_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9-]{0,127}$")

_FIELDS = {
    "description": Field(str, default=""),
    "target": Field(str, required=True),
    "region": Field(str),
    "profile": Field(str),
    "account_id": Field(str),
    "prefix": Field(str, default="{workspace}-{env}"),
    "mocks": Field(bool, default=False),
    "tags": Field(dict, default={}),
    "parameters": Field(dict, default={}),
}


@dataclass(frozen=True, eq=False)
class Environment:
    """Where a workspace goes: target, region, naming, mocks and per-stack overrides."""

    name: str
    file: str
    target: str
    region: str
    profile: str | None
    account_id: str | None
    prefix: str
    mocks: bool
    tags: dict[str, str]
    parameters: dict[str, dict[str, str]]

    def stack_name(self, stack: str) -> str:
        return f"{self.prefix}-{stack}"


def available(ws: Workspace) -> list[str]:
    folder = ws.root / ENV_DIR
    return sorted(p.stem for p in folder.glob("*.yaml")) if folder.is_dir() else []


def load_environment(ws: Workspace, name: str) -> Environment:
    """Read environments/<name>.yaml and check it against the workspace."""
    display = f"{ENV_DIR}/{name}.yaml"
    path = ws.root / display
    if not NAME.match(name) or not path.is_file():
        known = ", ".join(available(ws)) or "none"
        raise ConfigError(f"unknown environment {name!r} (no {display})",
                          f"known environments: {known}")
    data = load(path, display)
    spec = schema.check(data, _FIELDS, display, "environment")
    if spec["target"] not in TARGETS:
        raise ConfigError(f"target must be one of {', '.join(TARGETS)}, got {spec['target']!r}",
                          path=display, line=schema.line_of(data, "target"))
    prefix = _prefix(spec["prefix"], ws.name, name, display, schema.line_of(data, "prefix"))
    return Environment(
        name=name, file=display, target=spec["target"], region=spec["region"] or ws.region,
        profile=spec["profile"], account_id=spec["account_id"], prefix=prefix,
        mocks=spec["mocks"],
        tags=schema.string_map(spec["tags"], display, schema.line_of(data, "tags"), "'tags'"),
        parameters=_overrides(ws, spec["parameters"], display))


def _prefix(pattern: str, workspace: str, env: str, path: str, line: int | None) -> str:
    try:
        prefix = pattern.format(workspace=workspace, env=env)
    except (KeyError, IndexError, ValueError) as exc:
        raise ConfigError(f"prefix {pattern!r} is not valid ({exc})",
                          "use the placeholders {workspace} and {env}", path=path, line=line) from None
    if not STACK_NAME.match(f"{prefix}-{'x' * 40}"):  # 40: the longest stack folder name
        raise ConfigError(f"prefix {prefix!r} does not make valid CloudFormation stack names",
                          "stack names take letters, digits and '-', start with a letter, "
                          "at most 128 characters", path=path, line=line)
    return prefix


def _overrides(ws: Workspace, data: dict, path: str) -> dict[str, dict[str, str]]:
    result = {}
    for stack_name, values in data.items():
        line = schema.line_of(data, stack_name)
        if stack_name not in ws.stacks:
            raise ConfigError(f"'parameters' names unknown stack {stack_name!r}",
                              f"known stacks: {', '.join(sorted(ws.stacks))}", path=path, line=line)
        params = schema.string_map(values, path, line, f"parameters of {stack_name!r}")
        for key, value in params.items():
            check_parameter(ws.stacks[stack_name], key, value, ws.stacks, path,
                            schema.line_of(values, key))
        result[stack_name] = params
    return result
