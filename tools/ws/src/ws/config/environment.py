"""Load and validate environments/<name>.yaml: where and how a workspace is deployed."""
from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from typing import Mapping

from ws.config import fields as schema
from ws.config.crosscheck import check_parameter
from ws.config.envfiles import PLACEHOLDERS, STACK_FIELDS, EnvFile, available, naming_of, read_env
from ws.config.naming import Naming, default_owner, sanitise_owner
from ws.config.workspace import Workspace
from ws.errors import ConfigError, UsageError


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
    left_out: frozenset[str] = frozenset()  # stacks its `stacks:` (only / exclude) leaves out
    origin: str = ""  # where profile and region came from, when not the file (messages)
    placeholders: str = "allow"  # "error": the local endpoint refuses types it cannot run
    express: bool = False  # `deployment: express`: CloudFormation's express mode

    @property
    def owner(self) -> str | None:
        return self.naming.owner

    @property
    def prefix(self) -> str:
        return self.naming.prefix

    def stack_name(self, stack: str) -> str:
        return self.naming.stack_name(stack)


def load_environment(ws: Workspace, name: str, owner: str | None = None) -> Environment:
    """Read environments/<name>.yaml and check it against the workspace (and its siblings)."""
    raw = read_env(ws, name)
    spec, data, display = raw.spec, raw.data, raw.display
    if owner is not None and not spec["per_developer"]:
        raise UsageError(f"environment {name} is not per-developer: --owner does not apply")
    naming = naming_of(ws, raw, _owner(ws, owner) if spec["per_developer"] else None)
    env = Environment(
        name=name, file=display, target=spec["target"], region=spec["region"] or ws.region,
        profile=spec["profile"], account_id=spec["account_id"], naming=naming,
        mocks=spec["mocks"], per_developer=spec["per_developer"], protected=spec["protected"],
        tags=schema.string_map(spec["tags"], display, schema.line_of(data, "tags"), "'tags'"),
        parameters=_overrides(ws, spec["parameters"], display),
        shared=_shared(ws, raw), forbidden_accounts=frozenset(), left_out=_left_out(ws, raw),
        placeholders=_choice(raw, "placeholders", PLACEHOLDERS), express=_express(raw))
    if env.per_developer:
        env = _guard_developer(ws, env, raw)
    return aws_overrides(env) if env.target == "aws" else env


def aws_overrides(env: Environment, environ: Mapping[str, str] = os.environ) -> Environment:
    """The file's profile and region are defaults: AWS_PROFILE, AWS_REGION (else
    AWS_DEFAULT_REGION), or the --profile/--region flags that set them, override them, as for
    every AWS tool. `account_id` still pins the account: connecting checks it."""
    changes: dict[str, str] = {}
    told = []
    if environ.get("AWS_PROFILE"):
        changes["profile"] = environ["AWS_PROFILE"]
        told.append(f"profile {environ['AWS_PROFILE']} from AWS_PROFILE or --profile")
    for var in ("AWS_REGION", "AWS_DEFAULT_REGION"):
        if environ.get(var):
            changes["region"] = environ[var]
            told.append(f"region {environ[var]} from {var} or --region")
            break
    return replace(env, **changes, origin=", ".join(told)) if changes else env


def _choice(raw: EnvFile, key: str, allowed: tuple[str, ...]) -> str:
    if raw.spec[key] not in allowed:
        raise ConfigError(f"{key!r} must be {' or '.join(allowed)}, got {raw.spec[key]!r}",
                          path=raw.display, line=schema.line_of(raw.data, key))
    return raw.spec[key]
def _express(raw: EnvFile) -> bool:
    """`deployment: standard | express`."""
    if raw.spec["deployment"] not in ("standard", "express"):
        raise ConfigError(f"'deployment' must be standard or express, got "
                          f"{raw.spec['deployment']!r}", path=raw.display,
                          line=schema.line_of(raw.data, "deployment"))
    return raw.spec["deployment"] == "express"


def _owner(ws: Workspace, given: str | None) -> str:
    raw = given if given is not None else default_owner(ws.root)
    if raw is None:
        raise UsageError("cannot tell who you are for a per-developer environment "
                         "(no git user.name, no OS user)", "pass --owner NAME")
    return sanitise_owner(raw)


def _shared_envs(ws: Workspace, exclude: str) -> list[tuple[EnvFile, Naming]]:
    """Every environment that is not per-developer: production, staging, shared dev..."""
    found = []
    for other in available(ws):
        if other != exclude:
            raw = read_env(ws, other)
            if not raw.spec["per_developer"]:
                found.append((raw, naming_of(ws, raw, None)))
    return found


def _guard_developer(ws: Workspace, env: Environment, raw: EnvFile) -> Environment:
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


def _shared(ws: Workspace, raw: EnvFile) -> dict[str, SharedStack]:
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
        other = read_env(ws, source) if source != raw.name else None
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
        result[stack] = SharedStack(source, naming_of(ws, other, None).stack_name(stack))
    return result


def _left_out(ws: Workspace, raw: EnvFile) -> frozenset[str]:
    """`stacks: {only: [a, b]}` or `stacks: {exclude: [c]}`: the stacks it does not deploy."""
    data = raw.spec["stacks"]
    spec = schema.check(data, STACK_FIELDS, raw.display, "'stacks'")
    if spec["only"] is not None and spec["exclude"] is not None:
        raise ConfigError("'stacks' takes 'only' or 'exclude', not both", path=raw.display,
                          line=schema.line_of(data, "exclude"))
    key = "only" if spec["only"] is not None else "exclude"
    names = spec[key] or []
    for name in names:
        if not isinstance(name, str) or name not in ws.stacks:
            raise ConfigError(f"'stacks: {key}:' names unknown stack {name!r}",
                              f"known stacks: {', '.join(sorted(ws.stacks))}", path=raw.display,
                              line=schema.line_of(data, key))
    return frozenset(set(ws.stacks) - set(names) if key == "only" else names)


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
