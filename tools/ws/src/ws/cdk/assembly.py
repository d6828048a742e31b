"""Read a cloud assembly: its stacks, their templates (without CDK's bootstrap check), their
dependencies and their file assets."""
from __future__ import annotations

import json
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from ws.cdk.assets import FileAsset, file_assets, with_stable_keys
from ws.cdk.legacy import legacy_assets
from ws.config.templates import Template, load_template
from ws.errors import ConfigError
from ws.statefiles import replace_text

STACK_TYPE = "aws:cloudformation:stack"
BOOTSTRAP_PARAMETER = "BootstrapVersion"
BOOTSTRAP_RULE = "CheckBootstrapVersion"


@dataclass(frozen=True)
class AssemblyStack:
    """One stack of the assembly, as ws deploys it."""

    stack_id: str
    template: Template
    depends_on: tuple[str, ...]  # ids of the assembly's other stacks
    assets: tuple[FileAsset, ...]


def read_assembly(folder: Path, root: Path, display: str) -> list[AssemblyStack]:
    """The stacks of the assembly in `folder` (top level; nested stages are refused)."""
    manifest = json.loads((folder / "manifest.json").read_text())
    artifacts: dict[str, Any] = manifest.get("artifacts") or {}
    if any(a.get("type") == "cdk:cloud-assembly" for a in artifacts.values()):
        raise ConfigError("the CDK app has stages (nested cloud assemblies): ws deploys the "
                          "stacks of the top-level app only", "create the stacks directly in "
                          "the App, one workspace stack each", path=display)
    stacks = {name: a for name, a in artifacts.items() if a.get("type") == STACK_TYPE}
    if not stacks:
        raise ConfigError("the CDK app synthesized no stack", path=display)
    return [_stack(folder, root, name, art, artifacts, set(stacks), display)
            for name, art in sorted(stacks.items())]


def _stack(folder: Path, root: Path, name: str, art: dict[str, Any], artifacts: dict[str, Any],
           stack_ids: set[str], display: str) -> AssemblyStack:
    template_file = folder / art["properties"]["templateFile"]
    template = without_bootstrap(load_template(template_file,
                                               template_file.relative_to(root).as_posix()))
    deps = tuple(d for d in art.get("dependencies") or () if d in stack_ids)
    manifests = [folder / artifacts[d]["properties"]["file"] for d in art.get("dependencies") or ()
                 if (artifacts.get(d) or {}).get("type") == "cdk:asset-manifest"]
    body, found = legacy_assets(folder, art, template.body, display)
    found += [a for m in manifests for a in file_assets(m, template_file, display)]
    body, assets = with_stable_keys(body, found)
    return AssemblyStack(name, _as_deployed(template, body, root), deps, assets)


def _as_deployed(template: Template, body: dict[str, Any], root: Path) -> Template:
    """The template ws deploys, written beside CDK's (`<id>.ws.json`: the template check reads
    files, and remembers those it passed by content)."""
    path = template.path.with_name(template.path.name.replace(".template.json", ".ws.json"))
    text = json.dumps(body, indent=1, sort_keys=True)
    if not path.is_file() or path.read_text() != text:
        replace_text(path, text)
    return replace(template, path=path, display=path.relative_to(root).as_posix(), body=body,
                   parameters=body.get("Parameters") or {})


def without_bootstrap(template: Template) -> Template:
    """The template without CDK's bootstrap-version check (a parameter read from SSM and a rule):
    ws publishes the assets itself, so a target needs no `cdk bootstrap`."""
    body = dict(template.body)
    params = dict(body.get("Parameters") or {})
    spec = params.get(BOOTSTRAP_PARAMETER) or {}
    if not str(spec.get("Default", "")).startswith("/cdk-bootstrap/"):
        return template
    params.pop(BOOTSTRAP_PARAMETER)
    rules = {k: v for k, v in (body.get("Rules") or {}).items() if k != BOOTSTRAP_RULE}
    body = {k: v for k, v in body.items() if k not in ("Parameters", "Rules")}
    body.update({"Parameters": params} if params else {})
    body.update({"Rules": rules} if rules else {})
    return replace(template, body=body, parameters=params)
