"""A project's cross-stack imports adopted as a user would, once (--project): a template its
README deploys by hand that exports `${AWS::StackName}-X` names another template imports
(shared/cognito.yaml) becomes a stack too, and each importer's stack.yaml gets the
`import_prefixes` line `ws validate` asks for (for bench_corpus.py)."""
from __future__ import annotations

import json
from pathlib import Path

import yaml

NAME = "\x00stack\x00"  # stands for AWS::StackName, to learn what an export adds to it
SUFFIXES = (".yaml", ".yml", ".json")


def _load(path: Path, root: Path):
    from ws.config.templates import load_template
    from ws.errors import ConfigError
    try:
        return load_template(path, path.relative_to(root).as_posix())
    except (ConfigError, OSError, ValueError):
        return None


def _defaults(template) -> dict[str, str]:
    return {k: str(v["Default"]) for k, v in template.parameters.items() if "Default" in v}


def endings(template) -> set[str]:
    """X of each `${AWS::StackName}X` export of the template (X not starting with a letter)."""
    from ws.config.templates import static_value
    names = {**_defaults(template), "AWS::StackName": NAME}
    shapes = [static_value(e, names) for e in template.exports().values()]
    return {s[len(NAME):] for s in shapes if s and s.startswith(NAME)
            and len(s) > len(NAME) and not s[len(NAME)].isalnum()}


def imports(template) -> set[str]:
    """The names the template imports, known from its parameters' defaults."""
    from ws.config.templates import static_value
    values = _defaults(template)
    return {v for v in (static_value(e, values) for e in template.imports()) if v}


def prefixes(names: set[str], exporters: dict[str, set[str]]) -> dict[str, str]:
    """{prefix: exporting stack} for the imported `names` one exporter's ending completes."""
    found = {}
    for name in sorted(names):
        hits = sorted((len(end), stack, end) for stack, ends in exporters.items()
                      for end in ends if name.endswith(end) and len(name) > len(end))
        if hits:
            found[name[:-len(hits[-1][2])]] = hits[-1][1]
    return found


def exporter_files(copy: Path, adopted: list[Path], skip: set[str]) -> list[Path]:
    """Templates not adopted yet, alone in their folder's stack.yaml, that export
    `${AWS::StackName}X` names the adopted templates import."""
    wanted = {n for t in adopted if (tpl := _load(t, copy)) for n in imports(tpl)}
    found = []
    for path in sorted(copy.rglob("*")):
        if path.suffix not in SUFFIXES or path in adopted or skip & set(path.parts) \
                or (path.parent / "stack.yaml").exists() \
                or any(p.parent == path.parent for p in found):
            continue
        template = _load(path, copy) if "Outputs" in path.read_text(errors="replace") else None
        if template is not None and prefixes(wanted, {"x": endings(template)}):
            found.append(path)
    return found


def write_prefixes(stack_yaml: Path, found: dict[str, str]) -> None:
    # plain dicts: in a process where sam-cli's yaml_parse ran, safe_load gives OrderedDicts
    config = json.loads(json.dumps(yaml.safe_load(stack_yaml.read_text()) or {}))
    config["import_prefixes"] = found
    stack_yaml.write_text(yaml.safe_dump(config, sort_keys=False))


def wire(copy: Path, stacks: dict[str, Path]) -> dict[str, dict[str, str]]:
    """Each stack (name -> its template) that imports what another's exports: its
    import_prefixes, written into its stack.yaml."""
    loaded = {name: _load(path, copy) for name, path in stacks.items()}
    exporters = {n: endings(t) for n, t in loaded.items() if t is not None}
    wired = {}
    for name, template in loaded.items():
        found = prefixes(imports(template), {n: e for n, e in exporters.items() if n != name}) \
            if template is not None else {}
        if found:
            write_prefixes(stacks[name].parent / "stack.yaml", found)
            wired[name] = found
    return wired
