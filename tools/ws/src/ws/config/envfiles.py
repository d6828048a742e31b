"""Environment files as read: environments/<name>.yaml checked against their schema, before
an owner or the other environments are taken into account (environment.py does that)."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from ws.config import fields as schema
from ws.config.fields import Field
from ws.config.naming import NAME, REGION, Naming, check_names, check_region, check_template
from ws.config.workspace import Workspace
from ws.config.yamlfile import check_inside, load
from ws.errors import ConfigError

ENV_DIR = "environments"
TARGETS = ("local", "aws")
PLACEHOLDERS = ("allow", "error")  # local target: what becomes of types the endpoint cannot run
ACCOUNT_ID = re.compile(r"^\d{12}$")

STACK_FIELDS = {
    "only": Field(list, items=Field(str), doc="Deploy only these stacks."),
    "exclude": Field(list, items=Field(str), doc="Deploy every stack but these."),
}
_FIELDS = {
    "description": Field(str, default="", doc="What the environment is, for people."),
    "target": Field(str, required=True, choices=TARGETS,
                    doc="`local`: the embedded endpoint; `aws`: an AWS account."),
    "region": Field(str, pattern=REGION.pattern,
                    doc="AWS region (default: the workspace's). `AWS_REGION` and `--region` "
                        "override it."),
    "profile": Field(str, doc="AWS CLI profile. `AWS_PROFILE` and `--profile` override it."),
    "account_id": Field(str, pattern=ACCOUNT_ID.pattern,
                        doc="The only account this environment deploys to, checked against the "
                            "credentials' identity before anything runs. Quote it."),
    "naming": Field(str, doc="Stack names, from `{workspace}`, `{env}`, `{owner}` and `{stack}` "
                             "(default: `{workspace}-{env}-{stack}`, with `-{owner}` before "
                             "`-{stack}` when per_developer)."),
    "per_developer": Field(bool, default=False,
                           doc="One copy of the stacks per developer, named after the owner."),
    "protected": Field(bool, default=False,
                       doc="Deploy and destroy ask first (or need `--yes`); stacks get "
                           "termination protection."),
    "deployment": Field(str, default="standard", choices=("standard", "express"),
                        doc="`express`: CloudFormation's express mode for every create, update, "
                            "change set and delete (operations end once resources are "
                            "configured, before they are ready)."),
    "mocks": Field(bool, default=False, doc="Deploy the `mock: true` stacks and wire them in."),
    "shared": Field(dict, default={}, items=Field(str),
                    doc="Stacks taken from another environment instead of deployed: "
                        "`{auth: staging}`."),
    "tags": Field(dict, default={}, items=Field(schema.Scalar), doc="Tags on every stack."),
    "parameters": Field(dict, default={}, items=Field(dict, items=Field(schema.Scalar)),
                        doc="Parameter values per stack, over stack.yaml's: "
                            "`{orders: {PaymentProviderUrl: ...}}`."),
    "stacks": Field(dict, default={}, fields=STACK_FIELDS,
                    doc="Which stacks this environment deploys: `only` or `exclude`."),
    "placeholders": Field(str, default="allow", choices=PLACEHOLDERS,
                          doc="Local target: `allow` creates resource types the endpoint cannot "
                              "run as placeholders; `error` refuses them."),
}
DEFAULT_NAMING = "{workspace}-{env}-{stack}"
DEFAULT_DEVELOPER_NAMING = "{workspace}-{env}-{owner}-{stack}"


def available(ws: Workspace) -> list[str]:
    folder = ws.root / ENV_DIR
    return sorted(p.stem for p in folder.glob("*.yaml") if p.is_file()) if folder.is_dir() else []


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
            for name in available(ws) for raw in [read_env(ws, name)]]


@dataclass(frozen=True)
class EnvFile:
    """An environment file, parsed and checked against its schema."""

    name: str
    display: str
    data: Any
    spec: dict[str, Any]


def read_env(ws: Workspace, name: str) -> EnvFile:
    """environments/<name>.yaml, parsed and checked on its own."""
    display = f"{ENV_DIR}/{name}.yaml"
    path = ws.root / display
    if NAME.match(name) and path.is_dir():
        raise ConfigError("a folder, not an environment file", "an environment is a YAML file: "
                          f"move the folder away and write {display}", path=display)
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
    if spec["region"] is not None:
        check_region(spec["region"], display, schema.line_of(data, "region"))
    if spec["per_developer"] and spec["protected"]:
        raise ConfigError("an environment cannot be both per_developer and protected",
                          path=display, line=schema.line_of(data, "protected"))
    return EnvFile(name, display, data, spec)


def naming_of(ws: Workspace, raw: EnvFile, owner: str | None) -> Naming:
    """The file's naming template, checked, with every stack name it makes checked too."""
    per_dev = raw.spec["per_developer"]
    template = raw.spec["naming"] or (DEFAULT_DEVELOPER_NAMING if per_dev else DEFAULT_NAMING)
    line = schema.line_of(raw.data, "naming")
    check_template(template, per_dev, raw.display, line)
    naming = Naming(template, ws.name, raw.name, owner)
    check_names(naming, sorted(ws.stacks), raw.display, line)
    return naming
