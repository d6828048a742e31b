"""Load and validate environments/<name>.yaml: where and how a workspace is deployed."""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Any

from . import schema
from .errors import ConfigError, UsageError
from .naming import Naming, check_names, check_template, default_owner, sanitise_owner
from .schema import Field
from .workspace import NAME, Workspace, check_parameter
from .yamlfile import check_inside, load

ENV_DIR = "environments"
TARGETS = ("local", "aws")
ACCOUNT_ID = re.compile(r"^\d{12}$")

_FIELDS = {
    "description": Field(str, default=""),
    "target": Field(str, required=True),
    "region": Field(str),
    "profile": Field(str),
    "account_id": Field(str),
    "naming": Field(str),
    "per_developer": Field(bool, default=False),
    "protected": Field(bool, default=False),
    "mocks": Field(bool, default=False),
    "shared": Field(dict, default={}),
    "tags": Field(dict, default={}),
    "parameters": Field(dict, default={}),
}
DEFAULT_NAMING = "{workspace}-{env}-{stack}"
DEFAULT_DEVELOPER_NAMING = "{workspace}-{env}-{owner}-{stack}"


@dataclass(frozen=True)
class SharedStack:
    """A stack this environment does not deploy: it uses (never changes) another env's copy."""

    env: str
    stack_name: str


@dataclass(frozen=True, eq=False)
class Environment:
    """Where a workspace goes: target, naming, mocks, protection and per-stack overrides."""

    name: str
    file: str
    target: str
    region: str
    profile: str | None
    account_id: str | None
    naming: Naming
    mocks: bool
    tags: dict[str, str]
    parameters: dict[str, dict[str, str]]
    per_developer: bool = False
    protected: bool = False
    shared: dict[str, SharedStack] = field(default_factory=dict)
    forbidden_accounts: frozenset[str] = frozenset()  # production's: a developer's never is

    @property
    def owner(self) -> str | None:
        return self.naming.owner

    @property
    def prefix(self) -> str:
        return self.naming.prefix

    def stack_name(self, stack: str) -> str:
        return self.naming.stack_name(stack)


def available(ws: Workspace) -> list[str]:
    folder = ws.root / ENV_DIR
    return sorted(p.stem for p in folder.glob("*.yaml")) if folder.is_dir() else []


@dataclass(frozen=True)
class Place:
    """Where an environment file deploys to, read without resolving an owner."""

    env: str
    target: str
    region: str
    profile: str | None


def places(ws: Workspace) -> list[Place]:
    """Each environment file's target, region and profile."""
    return [Place(name, raw.spec["target"], raw.spec["region"] or ws.region, raw.spec["profile"])
            for name in available(ws) for raw in [_read(ws, name)]]


def load_environment(ws: Workspace, name: str, owner: str | None = None) -> Environment:
    """Read environments/<name>.yaml and check it against the workspace (and its siblings)."""
    raw = _read(ws, name)
    spec, data, display = raw.spec, raw.data, raw.display
    if owner is not None and not spec["per_developer"]:
        raise UsageError(f"environment {name} is not per-developer: --owner does not apply")
    naming = _naming(ws, raw, _owner(ws, owner) if spec["per_developer"] else None)
    env = Environment(
        name=name, file=display, target=spec["target"], region=spec["region"] or ws.region,
        profile=spec["profile"], account_id=spec["account_id"], naming=naming,
        mocks=spec["mocks"], per_developer=spec["per_developer"], protected=spec["protected"],
        tags=schema.string_map(spec["tags"], display, schema.line_of(data, "tags"), "'tags'"),
        parameters=_overrides(ws, spec["parameters"], display),
        shared=_shared(ws, raw), forbidden_accounts=frozenset())
    if env.per_developer:
        env = _guard_developer(ws, env, raw)
    return env


@dataclass(frozen=True)
class _Raw:
    name: str
    display: str
    data: Any
    spec: dict[str, Any]


def _read(ws: Workspace, name: str) -> _Raw:
    display = f"{ENV_DIR}/{name}.yaml"
    path = ws.root / display
    if not NAME.match(name) or not path.is_file():
        known = ", ".join(available(ws)) or "none"
        raise ConfigError(f"unknown environment {name!r} (no {display})",
                          f"known environments: {known}")
    check_inside(path, ws.root, display)
    data = load(path, display)
    spec = schema.check(data, _FIELDS, display, "environment")
    if spec["target"] not in TARGETS:
        raise ConfigError(f"target must be one of {', '.join(TARGETS)}, got {spec['target']!r}",
                          path=display, line=schema.line_of(data, "target"))
    if spec["account_id"] is not None and not ACCOUNT_ID.match(spec["account_id"]):
        raise ConfigError(f"account_id {spec['account_id']!r} is not a 12-digit AWS account id",
                          "quote it in YAML (\"012345678901\") so leading zeros are kept",
                          path=display, line=schema.line_of(data, "account_id"))
    if spec["per_developer"] and spec["protected"]:
        raise ConfigError("an environment cannot be both per_developer and protected",
                          path=display, line=schema.line_of(data, "protected"))
    return _Raw(name, display, data, spec)


def _naming(ws: Workspace, raw: _Raw, owner: str | None) -> Naming:
    per_dev = raw.spec["per_developer"]
    template = raw.spec["naming"] or (DEFAULT_DEVELOPER_NAMING if per_dev else DEFAULT_NAMING)
    line = schema.line_of(raw.data, "naming")
    check_template(template, per_dev, raw.display, line)
    naming = Naming(template, ws.name, raw.name, owner)
    check_names(naming, sorted(ws.stacks), raw.display, line)
    return naming


def _owner(ws: Workspace, given: str | None) -> str:
    raw = given if given is not None else default_owner(ws.root)
    if raw is None:
        raise UsageError("cannot tell who you are for a per-developer environment "
                         "(no git user.name, no OS user)", "pass --owner NAME")
    return sanitise_owner(raw)


def _shared_envs(ws: Workspace, exclude: str) -> list[tuple[_Raw, Naming]]:
    """Every environment that is not per-developer: production, staging, shared dev..."""
    found = []
    for other in available(ws):
        if other != exclude:
            raw = _read(ws, other)
            if not raw.spec["per_developer"]:
                found.append((raw, _naming(ws, raw, None)))
    return found


def _guard_developer(ws: Workspace, env: Environment, raw: _Raw) -> Environment:
    """A developer's environment can never resolve to another environment's names or to a
    protected environment's account."""
    others = _shared_envs(ws, env.name)
    mine = {env.stack_name(s): s for s in ws.stacks}
    for other, naming in others:
        clash = sorted(set(mine) & {naming.stack_name(s) for s in ws.stacks})
        if clash:
            raise UsageError(f"owner {env.owner!r} makes stack name {clash[0]} in {env.file}, "
                             f"which belongs to environment {other.name}",
                             "choose another --owner")
    forbidden = frozenset(o.spec["account_id"] for o, _ in others
                          if o.spec["protected"] and o.spec["account_id"])
    if env.account_id in forbidden:
        raise ConfigError(f"per-developer environment uses account {env.account_id}, which "
                          "a protected environment uses", "give developers their own account",
                          path=env.file, line=schema.line_of(raw.data, "account_id"))
    return replace(env, forbidden_accounts=forbidden)


def _shared(ws: Workspace, raw: _Raw) -> dict[str, SharedStack]:
    """`shared: {stack: env}`: read that stack's outputs from another (not per-developer) env."""
    items = schema.string_map(raw.spec["shared"], raw.display, schema.line_of(raw.data, "shared"),
                              "'shared'")
    result = {}
    for stack, source in items.items():
        line = schema.line_of(raw.data.get("shared"), stack)
        if stack not in ws.stacks:
            raise ConfigError(f"'shared' names unknown stack {stack!r}",
                              f"known stacks: {', '.join(sorted(ws.stacks))}",
                              path=raw.display, line=line)
        other = _read(ws, source) if source != raw.name else None
        if other is None or other.spec["per_developer"] or stack in other.spec["shared"] \
                or (ws.stacks[stack].mock and not other.spec["mocks"]):
            raise ConfigError(f"stack {stack!r} cannot be shared from environment {source!r}",
                              "name an environment that is not per-developer and deploys "
                              "that stack itself", path=raw.display, line=line)
        same_place = (other.spec["target"], other.spec["region"] or ws.region) == \
            (raw.spec["target"], raw.spec["region"] or ws.region)
        if not same_place:
            raise ConfigError(f"stack {stack!r} is shared from {source}, which deploys to "
                              "another target or region", path=raw.display, line=line)
        result[stack] = SharedStack(source, _naming(ws, other, None).stack_name(stack))
    return result


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
