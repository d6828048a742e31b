"""Load and validate workspace.yaml and every stacks/<name>/stack.yaml."""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from pathlib import Path

from ws.cdk.app import is_cdk_app
from ws.cdk.assembly import AssemblyStack
from ws.cdk.late import LateContext
from ws.cdk.target import CdkTarget, target_of
from ws.config import fields as schema
from ws.config import refs
from ws.config.assets import FIELDS as ASSET_FIELDS
from ws.config.assets import SELF, AssetSpec, check_references, parse_assets
from ws.config.cdkstacks import CdkApp, cdk_parts
from ws.config.fields import Field
from ws.config.prebuild import BuildRequest, Builder, check_names, not_built, stand_in
from ws.config.targets import Target, check_globs, check_same_stack, merge, parse_targets
from ws.config.templates import Template, load_template
from ws.config.yamlfile import Mapping, check_inside, load
from ws.errors import ConfigError

WORKSPACE_FILE = "workspace.yaml"
STACK_FILE = "stack.yaml"
NAME = re.compile(r"^[a-z][a-z0-9-]{0,39}$")
REGION = re.compile(r"^[a-z]{2}(-[a-z]+)+-\d{1,2}$")
NAME_HINT = "use lower-case letters, digits and '-', starting with a letter (at most 40)"

_SCALARS = Field(schema.Scalar)
_STRINGS = Field(str)
_DEFAULTS_FIELDS = {
    "region": Field(str, default="us-east-1", pattern=REGION.pattern,
                    doc="AWS region of environments that set none."),
    "concurrency": Field(int, default=4, minimum=1,
                         doc="Stacks deployed at once (`--concurrency` overrides it)."),
    "lock_ttl": Field(int, default=60, minimum=5,
                      doc="Seconds a dead run's lock outlives it; a live run renews its locks "
                          "every third of it."),
    "targets": Field(dict, default=None,
                     doc="Tasks every stack gets for `ws run` (a stack can replace or switch "
                         "each off)."),
}
_WORKSPACE_FIELDS = {
    "name": Field(str, required=True, pattern=NAME.pattern,
                  doc="The workspace's name: the first part of every stack name."),
    "description": Field(str, default="", doc="What the workspace is, for people."),
    "stacks": Field(list, default=["stacks/*"], items=_STRINGS,
                    doc="Globs of stack folders, relative to workspace.yaml. Each folder found "
                        "needs a stack.yaml."),
    "shared": Field(list, default=[], items=_STRINGS,
                    doc="Paths outside the stack folders that every stack depends on: a change "
                        "there changes every stack's fingerprint and selects every stack for "
                        "`--since`."),
    "defaults": Field(dict, default={}, fields=_DEFAULTS_FIELDS, doc="Settings for every run."),
}
_STACK_FIELDS = {
    "name": Field(str, default=None, pattern=NAME.pattern,  # default: the folder's name
                  doc="The stack's name in the workspace (default: its folder's name). "
                      "`ws` and `self` are reserved."),
    "description": Field(str, default="", doc="What the stack is, for people."),
    "template": Field(str, default="template.yaml",
                      doc="The SAM or CloudFormation template, relative to the stack's folder."),
    "type": Field(str, default=None, choices=("cdk", "cloudformation"),
                  doc="`cdk` for a CDK app (the default when the folder has a `cdk.json` and "
                      "no `template:`), `cloudformation` for a template."),
    "depends_on": Field(list, default=[], items=_STRINGS,
                        doc="Stacks deployed before this one, besides those its references "
                            "imply."),
    "mock": Field(bool, default=False,
                  doc="A stand-in for an external service: deployed only where the "
                      "environment sets `mocks: true`."),
    "parameters": Field(dict, default={}, items=_SCALARS,
                        doc="Template parameter values. A value may use `${stack.Output}`, "
                            "`${ws.prefix}` and the other built-ins, or a secret: "
                            "`${ssm:/name}`, `${secretsmanager:id}` (`NoEcho` parameters only)."),
    "tags": Field(dict, default={}, items=_SCALARS, doc="Tags on the stack and its resources."),
    "assets": Field(list, default=None, items=Field(dict, fields=ASSET_FIELDS),
                    doc="Folders published to a bucket after the stack deploys."),
    "targets": Field(dict, default=None,
                     doc="Tasks `ws run TARGET` runs for this stack (command, inputs, outputs, "
                         "env, dependsOn); `NAME: false` switches a workspace default off."),
    "before_deploy": Field(list, default=[], items=_STRINGS,
                           doc="Targets `ws deploy` (and `plan`, `diff`, `validate`, `graph`, "
                               "`destroy`) run first, cached as `ws run` caches them, before "
                               "they read the template (which may then be the build's output: "
                               "`template: build/template.yaml`). A failed one fails this "
                               "stack only."),
}


@dataclass(frozen=True, eq=False)
class Stack:
    """One stack folder: its settings and its parsed template."""

    name: str
    rel_dir: str
    config_file: str
    description: str
    depends_on: tuple[str, ...]
    mock: bool
    parameters: dict[str, str]
    tags: dict[str, str]
    template: Template
    lines: Mapping
    assets: tuple[AssetSpec, ...] = ()  # folders published after the stack deploys
    cdk: AssemblyStack | None = None  # a CDK app's stack: its template is synthesized
    late: LateContext | None = None  # its CDK context that uses references (synthesized again)
    targets: dict[str, Target] = field(default_factory=dict)  # ws run: its own, then merged
    switched_off: frozenset[str] = frozenset()  # default targets it turns off (false/null)
    before_deploy: tuple[str, ...] = ()  # targets run before the template is read
    build_failure: str = ""  # why they failed (the template is then a stand-in)

    def line_of(self, key: str) -> int | None:
        return self.lines.line_of(key)

    def base(self, root: Path) -> Path:
        """The folder its template's local paths are relative to: the template's own, as sam
        reads them (build/ for a template a build makes); a CDK app's: the stack folder."""
        if self.cdk is not None or self.build_failure:
            return root / self.rel_dir
        return self.template.path.parent


@dataclass(frozen=True, eq=False)
class Workspace:
    """A validated workspace: root folder, settings and stacks by name."""

    root: Path
    name: str
    stacks: dict[str, Stack]
    shared: tuple[str, ...]
    region: str
    concurrency: int
    lock_ttl: int = 60  # seconds a dead run's lock outlives it

    @property
    def state_dir(self) -> Path:
        return self.root / ".ws"


def find_root(start: Path) -> Path:
    """The nearest folder at or above `start` holding workspace.yaml."""
    for folder in (start, *start.parents):
        if (folder / WORKSPACE_FILE).is_file():
            return folder
    raise ConfigError(f"no {WORKSPACE_FILE} in {start} or any folder above it",
                      "run ws inside a workspace or pass --workspace PATH")


def load_workspace(root: Path, env_name: str | None = None,
                   builder: Builder | None = None) -> Workspace:
    """Read the workspace at `root`; any mistake is a ConfigError naming the file and line.
    CDK apps are synthesized for `env_name`'s account and region (when their files changed).
    `builder` runs the stacks' before_deploy targets before their templates are read (None:
    they do not run, and a template they would make that does not exist is a stand-in)."""
    root = root.resolve()
    data = load(root / WORKSPACE_FILE, WORKSPACE_FILE)
    top = schema.check(data, _WORKSPACE_FIELDS, WORKSPACE_FILE, "workspace.yaml")
    if not NAME.match(top["name"]):
        raise ConfigError(f"workspace name {top['name']!r} is not valid", NAME_HINT,
                          path=WORKSPACE_FILE, line=schema.line_of(data, "name"))
    defaults = schema.check(top["defaults"], _DEFAULTS_FIELDS, WORKSPACE_FILE, "'defaults'")
    for key in ("concurrency", "lock_ttl"):
        least = _DEFAULTS_FIELDS[key].minimum
        if least is not None and defaults[key] < least:
            raise ConfigError(f"{key!r} must be at least {least}", path=WORKSPACE_FILE,
                              line=schema.line_of(top["defaults"], key))
    check_region(defaults["region"], WORKSPACE_FILE, schema.line_of(top["defaults"], "region"))
    globs = _strings(top["stacks"], data, "stacks")
    for pattern in globs:
        check_glob(pattern, WORKSPACE_FILE, schema.line_of(data, "stacks"))
    target = target_of(root, env_name, defaults["region"]) if env_name else None
    default_targets = parse_targets(defaults["targets"], WORKSPACE_FILE,
                                    schema.line_of(top["defaults"], "targets"))
    stacks = _with_default_targets(
        _load_stacks(root, globs, _Cdk(target, defaults["region"], env_name), default_targets,
                     builder),
        default_targets)
    for stack in stacks.values():
        _check_stack(stack, stacks)
    shared = tuple(_strings(top["shared"], data, "shared"))
    for rel in shared:
        check_inside(root / rel, root, f"{WORKSPACE_FILE}: shared path {rel!r}")
    return Workspace(root=root, name=top["name"], stacks=stacks, shared=shared,
                     region=defaults["region"], concurrency=defaults["concurrency"],
                     lock_ttl=defaults["lock_ttl"])


def _with_default_targets(stacks: dict[str, Stack],
                          defaults: dict[str, Target | None]) -> dict[str, Stack]:
    """Each stack's targets: the workspace's defaults, replaced or switched off by its own."""
    merged = {}
    for name, stack in stacks.items():
        own = {**stack.targets, **dict.fromkeys(stack.switched_off)}
        targets = merge(defaults, own)
        check_same_stack(targets, stack.config_file)
        check_globs(targets, stack.rel_dir)
        merged[name] = replace(stack, targets=targets)
    return merged


def check_region(region: str, path: str, line: int | None) -> None:
    """A region name shaped like AWS's (us-east-1, eu-central-2, us-gov-west-1)."""
    if not REGION.match(region):
        raise ConfigError(f"region {region!r} is not an AWS region name",
                          "write it like us-east-1 or eu-west-2", path=path, line=line)


def check_glob(pattern: str, path: str, line: int | None) -> None:
    """A stack glob is a non-empty pattern relative to the workspace that stays inside it."""
    parts = Path(pattern).parts
    if not pattern.strip() or not parts or Path(pattern).is_absolute() or ".." in parts:
        raise ConfigError(f"stack glob {pattern!r} must be a non-empty path inside the "
                          "workspace", "write it relative to workspace.yaml, like stacks/*",
                          path=path, line=line)


def _strings(items: list, data: Mapping, key: str) -> list[str]:
    for item in items:
        schema.expect(item, str, WORKSPACE_FILE, schema.line_of(data, key), f"each of {key!r}")
    return items


@dataclass(frozen=True)
class _Cdk:
    """What CDK apps are synthesized for (target None: an assembly of any target will do)."""

    target: CdkTarget | None
    default_region: str
    env: str | None = None


def _load_stacks(root: Path, globs: list[str], cdk: _Cdk,
                 default_targets: dict[str, Target | None],
                 builder: Builder | None) -> dict[str, Stack]:
    """Every stack.yaml first, then the before_deploy targets, then the templates."""
    configs = [_read_config(root, folder) for pattern in globs
               for folder in sorted(root.glob(pattern))
               if folder.is_dir() and not folder.name.startswith(".")]
    failures = _build(configs, default_targets, builder)
    stacks: dict[str, Stack] = {}
    for config in configs:
        for stack in _stacks_of(root, config, cdk, failures, builder is not None):
            if stack.name in stacks:
                raise ConfigError(f"duplicate stack name {stack.name!r}, also defined by "
                                  f"{stacks[stack.name].config_file}",
                                  path=stack.config_file)
            stacks[stack.name] = stack
    if not stacks:
        raise ConfigError(f"no stacks found (looked in {', '.join(globs)})",
                          "add stacks/<name>/stack.yaml or fix 'stacks' globs",
                          path=WORKSPACE_FILE)
    return stacks


@dataclass(frozen=True)
class _Config:
    """One stack folder's stack.yaml, read and checked (its template not yet)."""

    folder: Path
    name: str
    data: object
    spec: dict
    common: dict
    parameters: dict[str, str]
    depends_on: tuple[str, ...]


def _build(configs: list[_Config], default_targets: dict[str, Target | None],
           builder: Builder | None) -> dict[str, str]:
    """Run the before_deploy targets (through `builder`): why each failed stack failed."""
    requests = []
    for config in configs:
        names = tuple(config.spec["before_deploy"])
        if not names:
            continue
        common = config.common
        targets = merge(default_targets, {**common["targets"],
                                          **dict.fromkeys(common["switched_off"])})
        check_names(names, targets, common["config_file"],
                    schema.line_of(config.data, "before_deploy"))
        requests.append(BuildRequest(config.name, common["rel_dir"], targets, names,
                                     config.depends_on))
    return builder(requests) if builder is not None and requests else {}


def _stacks_of(root: Path, config: _Config, cdk: _Cdk, failures: dict[str, str],
               built: bool) -> list[Stack]:
    """The folder's stacks: its template's, its CDK app's, or a stand-in whose deploy fails
    (its before_deploy failed, or did not run and the template it makes is not there)."""
    folder, spec, data, common = config.folder, config.spec, config.data, config.common
    names = tuple(spec["before_deploy"])
    failure = failures.get(config.name, "")
    cdk_app = is_cdk_app(folder, spec["type"]) and bool(spec["type"]
                                                        or "template" not in _keys(data))
    if names and not failure and not cdk_app and not (folder / spec["template"]).is_file():
        failure = not_built(common["rel_dir"], spec["template"], names, built)
    if failure:
        return [Stack(**common, name=config.name, parameters=config.parameters,
                      depends_on=config.depends_on, before_deploy=names, build_failure=failure,
                      template=stand_in(folder, common["rel_dir"]))]
    if cdk_app:
        return [replace(s, before_deploy=names) for s in _cdk_stacks(
            root, folder, config.name, config.parameters, config.depends_on, common, data, cdk)]
    return [Stack(**common, name=config.name, parameters=config.parameters,
                  depends_on=config.depends_on, before_deploy=names,
                  template=_template_of(folder, common["rel_dir"], spec["template"], data,
                                        common["config_file"]))]


def _read_config(root: Path, folder: Path) -> _Config:
    rel = folder.relative_to(root).as_posix()
    display = f"{rel}/{STACK_FILE}"
    check_inside(folder, root, rel)
    if (folder / STACK_FILE).exists():
        check_inside(folder / STACK_FILE, root, display)
    if not (folder / STACK_FILE).is_file():
        raise ConfigError(f"stack folder {rel} has no {STACK_FILE}",
                          "add one, or move the folder out of the 'stacks' globs", path=rel)
    data = load(folder / STACK_FILE, display)
    spec = schema.check(data, _STACK_FIELDS, display, STACK_FILE)
    name = spec["name"] if spec["name"] is not None else folder.name
    if not NAME.match(name) or name in (refs.BUILTIN, SELF):
        where = "" if spec["name"] is not None else " (the folder's name; set 'name:' to choose one)"
        raise ConfigError(f"stack name {name!r} is not valid{where}", NAME_HINT
                          + f"; {refs.BUILTIN!r} and {SELF!r} are reserved", path=display,
                          line=schema.line_of(data, "name"))
    for item in spec["depends_on"]:
        schema.expect(item, str, display, schema.line_of(data, "depends_on"), "each of 'depends_on'")
    line = schema.line_of(data, "parameters")
    targets = parse_targets(spec["targets"], display, schema.line_of(data, "targets"))
    common = dict(rel_dir=rel, config_file=display, description=spec["description"],
                  mock=spec["mock"], lines=data if isinstance(data, Mapping) else Mapping(),
                  tags=schema.string_map(spec["tags"], display, schema.line_of(data, "tags"),
                                         "'tags'"),
                  assets=parse_assets(spec["assets"], folder, root, display),
                  targets={k: t for k, t in targets.items() if t is not None},
                  switched_off=frozenset(k for k, t in targets.items() if t is None))
    parameters = schema.string_map(spec["parameters"], display, line, "'parameters'")
    if spec["type"] not in (None, "cdk", "cloudformation"):
        raise ConfigError(f"stack type {spec['type']!r} is not known", "write cdk or "
                          "cloudformation (or leave it out)", path=display,
                          line=schema.line_of(data, "type"))
    for item in spec["before_deploy"]:
        schema.expect(item, str, display, schema.line_of(data, "before_deploy"),
                      "each of 'before_deploy'")
    return _Config(folder, name, data, spec, common, parameters, tuple(spec["depends_on"]))


def _cdk_stacks(root: Path, folder: Path, name: str, parameters: dict[str, str],
                depends_on: tuple[str, ...], common: dict, data: object, cdk: _Cdk) -> list[Stack]:
    """The stacks of the CDK app in `folder` (synthesized when its files changed)."""
    display = common["config_file"]
    parts = cdk_parts(CdkApp(root, folder, name, display, cdk.target, cdk.default_region,
                             cdk.env), parameters, data)
    bad = next((part.name for part in parts if not NAME.match(part.name)), None)
    if bad:
        raise ConfigError(f"the CDK app makes stack name {bad!r}, which is not valid",
                          NAME_HINT + "; shorten the CDK stack id or the folder's name",
                          path=display)
    return [Stack(**common, name=part.name, parameters=part.parameters, cdk=part.stack,
                  template=part.stack.template, late=part.late,
                  depends_on=tuple(dict.fromkeys(depends_on + part.depends_on)))
            for part in parts]


def _keys(data: object) -> set[str]:
    return set(data) if isinstance(data, dict) else set()


def _template_of(folder: Path, rel: str, name: str, data: object, display: str) -> Template:
    path = (folder / name).resolve()
    if not path.is_relative_to(folder.resolve()):
        raise ConfigError(f"template {name!r} is outside the stack folder", path=display,
                          line=schema.line_of(data, "template"))
    if not path.is_file():
        raise ConfigError(f"template {rel}/{name} does not exist",
                          f"create it or set 'template:' in {STACK_FILE}", path=display,
                          line=schema.line_of(data, "template"))
    return load_template(path, f"{rel}/{name}")


def _check_stack(stack: Stack, stacks: dict[str, Stack]) -> None:
    """Cross-stack checks: dependencies exist, parameters exist, references resolve (not
    a stand-in's, nor references to a stand-in's outputs: its template is not known)."""
    for dep in stack.depends_on:
        if dep not in stacks:
            raise ConfigError(f"depends_on names unknown stack {dep!r}",
                              f"known stacks: {', '.join(sorted(stacks))}",
                              path=stack.config_file, line=stack.line_of("depends_on"))
    if stack.build_failure:
        return
    params_line = stack.lines.get("parameters")
    for key, value in stack.parameters.items():
        line = schema.line_of(params_line, key)
        check_parameter(stack, key, value, stacks, stack.config_file, line)
    for key, value in (stack.late.written if stack.late else {}).items():
        check_refs(refs.parse(value), stacks, stack.config_file, schema.line_of(params_line, key))
    if not any(s.build_failure for s in stacks.values()):
        check_references(stack.assets, stack.template.outputs,
                         {name: s.template.outputs for name, s in stacks.items()},
                         stack.config_file)
    missing = [p for p, spec in stack.template.parameters.items()
               if "Default" not in spec and p not in stack.parameters]
    if missing:
        raise ConfigError(f"template parameter(s) {', '.join(missing)} have no Default and no value",
                          f"set them under 'parameters:' in {STACK_FILE}", path=stack.config_file)


def check_parameter(stack: Stack, key: str, value: str, stacks: dict[str, Stack],
                    path: str, line: int | None) -> None:
    """A parameter value must name a template parameter and reference only real outputs."""
    if key not in stack.template.parameters:
        known = ", ".join(sorted(stack.template.parameters)) or "none"
        raise ConfigError(f"parameter {key!r} is not declared in {stack.template.display}",
                          f"declared parameters: {known}", path=path, line=line)
    try:
        found = refs.parse(value)
    except ValueError as exc:
        raise ConfigError(str(exc), path=path, line=line) from None
    _check_secret(stack, key, value, path, line)
    check_refs(found, stacks, path, line)


def check_refs(found: list[refs.Ref], stacks: dict[str, Stack], path: str,
               line: int | None) -> None:
    """The stacks and outputs that references name exist."""
    for ref in found:
        if ref.is_builtin:
            continue
        if ref.stack not in stacks:
            raise ConfigError(f"{ref} references unknown stack {ref.stack!r}", path=path, line=line)
        if stacks[ref.stack].build_failure:
            continue
        if ref.output not in stacks[ref.stack].template.outputs:
            outputs = ", ".join(sorted(stacks[ref.stack].template.outputs)) or "none"
            raise ConfigError(f"{ref}: stack {ref.stack!r} declares no output {ref.output!r}",
                              f"its outputs: {outputs}", path=path, line=line)


def is_no_echo(spec: dict) -> bool:
    return str(spec.get("NoEcho", "false")).lower() == "true"


def _check_secret(stack: Stack, key: str, value: str, path: str, line: int | None) -> None:
    """NoEcho parameters take secret references only, and secret references go to NoEcho."""
    no_echo = is_no_echo(stack.template.parameters[key])
    if no_echo and refs.secret_of(value) is None:
        raise ConfigError(f"parameter {key!r} is NoEcho in {stack.template.display}: its value "
                          "must not be written in the repository",
                          "write ${ssm:/parameter/name} or ${secretsmanager:secret-id}; "
                          "ws reads it at deploy time", path=path, line=line)
    if not no_echo and refs.secret_of(value) is not None:
        raise ConfigError(f"parameter {key!r} takes a secret, but {stack.template.display} "
                          "does not declare it NoEcho", "add 'NoEcho: true' to the parameter",
                          path=path, line=line)
