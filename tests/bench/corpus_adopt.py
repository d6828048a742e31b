"""Adopting plain folders of SAM/CloudFormation projects as one ws workspace, as a user would,
on a copy: a workspace.yaml, a stack.yaml per template or CDK app (for bench_corpus.py)."""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import yaml

from corpus_imports import exporter_files, wire
from corpus_makefile import project_build
from corpus_params import dummy_value, project_parameters, read_template
from corpus_result import StackResult

TEMPLATE_NAMES = ("template.yaml", "template.yml")
SKIP = {".git", "node_modules", ".aws-sam", "cdk.out", "__pycache__", ".venv", ".ws"}
GENERIC = {"src", "sam", "app", "cdk", "infra", "infrastructure", "template", "templates", "iac",
           "deploy", "deployment", "stack", "backend"}
# Stack names as authors give them (`sam deploy --stack-name orders`): the project's folder,
# short. ws adds "-local"; templates that build bucket names from ${AWS::StackName} need it short.
NAMING = "{stack}-{env}"
NAME_MAX = 24


def find_templates(source: Path) -> list[Path]:
    found = []
    for path in sorted(source.rglob("template.y*ml")):
        rel = path.relative_to(source)
        if path.name in TEMPLATE_NAMES and not SKIP.intersection(rel.parts) \
                and path.parent != source:
            if not any(p.parent == path.parent for p in found):
                found.append(path)
    return found


def find_cdk_apps(source: Path) -> list[Path]:
    """Folders holding a CDK app (cdk.json) and no template of their own."""
    return [path.parent for path in sorted(source.rglob("cdk.json"))
            if not SKIP.intersection(path.relative_to(source).parts)
            and not any((path.parent / name).is_file() for name in TEMPLATE_NAMES)]


def slug(rel: Path, taken: set[str]) -> str:
    parts = [p for p in rel.parts if p.lower() not in GENERIC] or list(rel.parts) or ["stack"]
    text = re.sub(r"[^a-z0-9]+", "-", parts[-1].lower()).strip("-") or "stack"
    text = ("s-" + text if not text[0].isalpha() else text)[:NAME_MAX].rstrip("-")
    name, n = text, 2
    while name in taken:
        name, n = f"{text[:NAME_MAX - 3].rstrip('-')}-{n}", n + 1
    taken.add(name)
    return name


def template_error(template: Path, root: Path) -> str:
    """Why ws cannot read this template at all (YAML syntax, not a template), or ''."""
    from ws.config.templates import load_template
    from ws.errors import ConfigError
    try:
        load_template(template, template.relative_to(root).as_posix())
    except ConfigError as exc:
        return str(exc)
    return ""


def adopt(sources: list[Path], scratch: Path, match: str | None = None,
          cdk: bool = False, project: bool = False) -> dict[Path, dict[str, StackResult]]:
    """Copy each folder of `sources` into `scratch` and make it one workspace: a
    workspace.yaml and a stack.yaml per template (with `match`, the workspace holds only the
    stacks whose folder contains it: another folder's CDK app that cannot synthesize here
    would refuse the whole workspace). One workspace, so one endpoint for the whole run.
    `project`: each source is one project whose stacks import each other's exports
    (corpus_imports)."""
    taken: set[str] = set()
    adopted = {}
    for source in sources:
        label = slug(Path(source.name), set(p.name for p in scratch.glob("*")))
        shutil.copytree(source, scratch / label, symlinks=True,
                        ignore=shutil.ignore_patterns(*SKIP))
        adopted[source] = adopt_folder(source, scratch, scratch / label, taken, cdk)
        if project:
            adopt_imports(source, scratch, scratch / label, taken, adopted[source])
    write_workspace(scratch, [r.folder for results in adopted.values()
                              for r in results.values()
                              if not r.error and (not match or match in r.folder)])
    (scratch / "environments").mkdir(exist_ok=True)
    (scratch / "environments" / "local.yaml").write_text(yaml.safe_dump(
        {"target": "local", "region": "us-east-1", "naming": NAMING}))
    return adopted


def write_workspace(scratch: Path, folders: list[str]) -> None:
    (scratch / "workspace.yaml").write_text(yaml.safe_dump(
        {"name": "corpus", "stacks": folders, "defaults": {"region": "us-east-1"}}))


def adopt_folder(source: Path, scratch: Path, copy: Path, taken: set[str],
                 cdk: bool) -> dict[str, StackResult]:
    results: dict[str, StackResult] = {}
    for template in find_templates(copy):
        folder = template.parent
        name = slug(folder.relative_to(copy), taken)
        original = str(source / template.relative_to(copy))
        broken = template_error(template, scratch)
        if broken:  # left out, or it would refuse the whole workspace
            results[name] = StackResult(name, folder.relative_to(scratch).as_posix(),
                                        template=original, stage="read", error=broken)
            continue
        params = (read_template(template).get("Parameters") or {})
        filled = {k: dummy_value(k, v, f"{name}-p{i}") for i, (k, v) in enumerate(
            params.items()) if isinstance(v, dict) and "Default" not in v} \
            if isinstance(params, dict) else {}
        filled.update(project_parameters(folder, params if isinstance(params, dict) else {}))
        config = {"name": name, "template": template.name, **project_build(folder, copy)}
        if filled:
            config["parameters"] = filled
        (folder / "stack.yaml").write_text(yaml.safe_dump(config, sort_keys=False))
        results[name] = StackResult(name, folder.relative_to(scratch).as_posix(), filled,
                                    original)
    for app in find_cdk_apps(copy) if cdk else []:  # a CDK app is a stack: ws synthesizes it
        name = slug(app.relative_to(copy), taken)
        built = project_build(app, copy)
        if "template" in built:  # its build synthesizes the template: ws deploys that
            (app / "stack.yaml").write_text(yaml.safe_dump({"name": name, **built}))
            results[name] = StackResult(name, app.relative_to(scratch).as_posix())
            continue
        if not (app / "package.json").is_file():  # Python/Java/Go CDK: left out, or it
            results[name] = StackResult(  # would refuse the whole workspace
                name, app.relative_to(scratch).as_posix(),
                stage="read", error="not a JavaScript/TypeScript CDK app (no package.json)")
            continue
        (app / "stack.yaml").write_text(yaml.safe_dump({"name": name, "type": "cdk"}))
        results[name] = StackResult(name, app.relative_to(scratch).as_posix())
    return results


def adopt_imports(source: Path, scratch: Path, copy: Path, taken: set[str],
                  results: dict[str, StackResult]) -> None:
    """A template the project deploys by hand whose exports its stacks import becomes a stack
    (named after its file: shared/cognito.yaml is `cognito`); then each importer's stack.yaml
    gets its `import_prefixes`, as `ws validate` asks."""
    templates = {n: scratch / r.folder / _template_of(scratch / r.folder)
                 for n, r in results.items() if not r.error}
    for path in exporter_files(copy, list(templates.values()), SKIP):
        name = slug(Path(path.stem), taken)
        (path.parent / "stack.yaml").write_text(yaml.safe_dump(
            {"name": name, "template": path.name}, sort_keys=False))
        results[name] = StackResult(name, path.parent.relative_to(scratch).as_posix(),
                                    template=str(source / path.relative_to(copy)))
        templates[name] = path
    for name, found in wire(copy, templates).items():
        results[name].wired = found


def _template_of(folder: Path) -> str:
    return (yaml.safe_load((folder / "stack.yaml").read_text()) or {}).get(
        "template", "template.yaml")
