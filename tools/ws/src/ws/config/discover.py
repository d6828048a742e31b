"""The stacks of a workspace: the folders its globs find, their before_deploy builds, then
each folder's template, CDK app, or stand-in (a build that failed or did not run)."""
from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from ws.cdk.app import is_cdk_app
from ws.cdk.target import CdkTarget
from ws.config import fields as schema
from ws.config.cdkstacks import CdkApp, cdk_parts
from ws.config.naming import NAME, NAME_HINT
from ws.config.prebuild import BuildRequest, Builder, check_names, not_built, stand_in
from ws.config.stack import Stack
from ws.config.stackfile import STACK_FILE, StackFile, read_stack_file
from ws.config.targets import Target, check_globs, check_same_stack, merge
from ws.config.templates import Template, load_template
from ws.errors import ConfigError


@dataclass(frozen=True)
class SynthFor:
    """What CDK apps are synthesized for (target None: an assembly of any target will do)."""

    target: CdkTarget | None
    default_region: str
    env: str | None = None


def load_stacks(root: Path, globs: list[str], cdk: SynthFor,
                default_targets: dict[str, Target | None], builder: Builder | None,
                workspace_file: str) -> dict[str, Stack]:
    """Every stack.yaml first, then the before_deploy targets, then the templates; each
    stack's targets are the workspace's defaults, replaced or switched off by its own."""
    configs = [read_stack_file(root, folder) for pattern in globs
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
                          path=workspace_file)
    return {name: _with_default_targets(stack, default_targets) for name, stack in stacks.items()}


def _with_default_targets(stack: Stack, defaults: dict[str, Target | None]) -> Stack:
    """The stack's targets: the workspace's defaults, replaced or switched off by its own."""
    targets = merge(defaults, {**stack.targets, **dict.fromkeys(stack.switched_off)})
    check_same_stack(targets, stack.config_file)
    check_globs(targets, stack.rel_dir)
    return replace(stack, targets=targets)


def _build(configs: list[StackFile], default_targets: dict[str, Target | None],
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


def _stacks_of(root: Path, config: StackFile, cdk: SynthFor, failures: dict[str, str],
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
        return [replace(s, before_deploy=names) for s in _cdk_stacks(root, config, cdk)]
    return [Stack(**common, name=config.name, parameters=config.parameters,
                  depends_on=config.depends_on, before_deploy=names,
                  template=_template_of(folder, common["rel_dir"], spec["template"], data,
                                        common["config_file"]))]


def _cdk_stacks(root: Path, config: StackFile, cdk: SynthFor) -> list[Stack]:
    """The stacks of the CDK app in the folder (synthesized when its files changed)."""
    display = config.common["config_file"]
    parts = cdk_parts(CdkApp(root, config.folder, config.name, display, cdk.target,
                             cdk.default_region, cdk.env), config.parameters, config.data)
    bad = next((part.name for part in parts if not NAME.match(part.name)), None)
    if bad:
        raise ConfigError(f"the CDK app makes stack name {bad!r}, which is not valid",
                          NAME_HINT + "; shorten the CDK stack id or the folder's name",
                          path=display)
    return [Stack(**config.common, name=part.name, parameters=part.parameters, cdk=part.stack,
                  template=part.stack.template, late=part.late,
                  depends_on=tuple(dict.fromkeys(config.depends_on + part.depends_on)))
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
