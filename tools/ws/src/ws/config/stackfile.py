"""Reading one stack folder's stack.yaml: its keys checked, before its template is read."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ws.config import fields as schema
from ws.config import refs
from ws.config.assets import FIELDS as ASSET_FIELDS
from ws.config.assets import SELF, parse_assets
from ws.config.fields import Field
from ws.config.naming import NAME, NAME_HINT
from ws.config.targets import parse_targets
from ws.config.yamlfile import Mapping, check_inside, load
from ws.errors import ConfigError

STACK_FILE = "stack.yaml"
_SCALARS = Field(schema.Scalar)
_STRINGS = Field(str)
FIELDS = {
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
    "import_prefixes": Field(dict, default={}, items=Field(str, pattern=NAME.pattern),
                             doc="`Fn::ImportValue` names written for another naming: "
                                 "`{serverless-api-cognito: cognito}` sends an import of "
                                 "`serverless-api-cognito-UserPool` as one of "
                                 "`<cognito's stack name in this environment>-UserPool` (the "
                                 "key: the name the template expects that stack to have)."),
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


@dataclass(frozen=True)
class StackFile:
    """One stack folder's stack.yaml, read and checked (its template not yet)."""

    folder: Path
    name: str
    data: object
    spec: dict
    common: dict  # the Stack fields every stack of the folder shares
    parameters: dict[str, str]
    depends_on: tuple[str, ...]


def read_stack_file(root: Path, folder: Path) -> StackFile:
    """The folder's stack.yaml; any mistake is a ConfigError naming the file and line."""
    rel = folder.relative_to(root).as_posix()
    display = f"{rel}/{STACK_FILE}"
    check_inside(folder, root, rel)
    if (folder / STACK_FILE).exists():
        check_inside(folder / STACK_FILE, root, display)
    if not (folder / STACK_FILE).is_file():
        raise ConfigError(f"stack folder {rel} has no {STACK_FILE}",
                          "add one, or move the folder out of the 'stacks' globs", path=rel)
    data = load(folder / STACK_FILE, display)
    spec = schema.check(data, FIELDS, display, STACK_FILE)
    name = _name_of(spec, folder, data, display)
    for item in spec["depends_on"]:
        schema.expect(item, str, display, schema.line_of(data, "depends_on"),
                      "each of 'depends_on'")
    line = schema.line_of(data, "parameters")
    targets = parse_targets(spec["targets"], display, schema.line_of(data, "targets"))
    common = dict(rel_dir=rel, config_file=display, description=spec["description"],
                  mock=spec["mock"], lines=data if isinstance(data, Mapping) else Mapping(),
                  tags=schema.string_map(spec["tags"], display, schema.line_of(data, "tags"),
                                         "'tags'"),
                  import_prefixes=schema.string_map(spec["import_prefixes"], display,
                                                    schema.line_of(data, "import_prefixes"),
                                                    "'import_prefixes'"),
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
    return StackFile(folder, name, data, spec, common, parameters, tuple(spec["depends_on"]))


def _name_of(spec: dict, folder: Path, data: object, display: str) -> str:
    """Its `name:`, else its folder's; neither may be a reserved word."""
    name = spec["name"] if spec["name"] is not None else folder.name
    if not NAME.match(name) or name in (refs.BUILTIN, SELF):
        where = ("" if spec["name"] is not None
                 else " (the folder's name; set 'name:' to choose one)")
        raise ConfigError(f"stack name {name!r} is not valid{where}", NAME_HINT
                          + f"; {refs.BUILTIN!r} and {SELF!r} are reserved", path=display,
                          line=schema.line_of(data, "name"))
    return name
