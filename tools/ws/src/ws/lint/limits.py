"""CloudFormation's quotas and rules that ws can check before sending anything (the local
endpoint does not enforce them, so a deploy green locally would fail on AWS).

Quotas from "Understand CloudFormation quotas" (AWS CloudFormation User Guide, 2026) and the
Tag API reference: 500 resources, 200 parameters, 200 outputs, 200 mappings per template;
255 characters per logical name; 4,096 bytes per parameter value; 1,024 bytes of description;
50 tags per stack, keys of 1-128 characters not starting with `aws:`, values up to 256. No
control characters but tab and line breaks anywhere (ws.lint.textcheck)."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Iterator

from ws.config.cfnyaml import line_of_key
from ws.config.environment import Environment
from ws.config.stack import Stack
from ws.config.templates import SAM_TRANSFORM, Template, static_value
from ws.config.workspace import Workspace
from ws.lazy import lazy
from ws.lint.textcheck import unsafe_text, utf8_size

nx = lazy("networkx")  # loaded on first use: after the template check's process has started

MAX_RESOURCES, MAX_PARAMETERS, MAX_OUTPUTS, MAX_MAPPINGS = 500, 200, 200, 200
MAX_NAME = 255
MAX_PARAMETER_VALUE = 4096
MAX_DESCRIPTION = 1024
MAX_TAGS, MAX_TAG_KEY, MAX_TAG_VALUE = 50, 128, 256
WS_TAGS = 6  # ws:workspace, ws:env, ws:stack, ws:owner, ws:fingerprint, ws:parts
_SUB_NAME = re.compile(r"\$\{([A-Za-z0-9]+)(?:\.[^}]*)?\}")


@dataclass(frozen=True)
class Problem:
    """One thing CloudFormation would refuse: where it is and why (sorted by file, then line;
    a problem of the whole file first)."""

    path: str
    line: int | None
    message: str

    def __lt__(self, other: Problem) -> bool:
        return _order(self) < _order(other)

    def __str__(self) -> str:
        where = self.path if self.line is None else f"{self.path}:{self.line}"
        return f"{where}: {self.message}"


def _order(problem: Problem) -> tuple[str, int, str]:
    return problem.path, -1 if problem.line is None else problem.line, problem.message


def check(ws: Workspace, env: Environment, stacks: list[str]) -> list[Problem]:
    """Every quota or rule the given stacks break, plus exports shared by two stacks and
    imports no stack exports (ws.lint.importcheck)."""
    from ws.lint.cycles import cycle_problems  # (they import this module)
    from ws.lint.importcheck import import_problems

    found: list[Problem] = []
    for name in stacks:
        stack = ws.stacks[name]
        found += template_limits(stack.template)
        found += missing_transform(stack.template)
        found += cycle_problems(stack.template, env.region, ws.state_dir / "precheck")
        found += repository_app_refusals(stack.template, env)
        found += tag_problems(stack, env)
        found += parameter_sizes(stack, env)
        found += [Problem(*place) for place in unsafe_text(stack, env)]
    return found + duplicate_exports(ws, env) + local_refusals(ws, env, stacks) \
        + import_problems(ws, env, stacks)


def local_refusals(ws: Workspace, env: Environment, stacks: list[str]) -> list[Problem]:
    """Every stack the local endpoint cannot take (ws/local/coverage.py), named at once."""
    if env.target != "local":
        return []
    from ws.local import coverage  # only the local target asks
    strict = getattr(env, "placeholders", "allow") == "error"
    found = coverage.refusals([ws.stacks[n] for n in stacks], env.region,
                              lambda: coverage.known_types(ws.state_dir), placeholders=not strict)
    hint = " (or let them be placeholders: remove `placeholders: error`)" if strict else ""
    return [Problem(path, None, message + hint) for path, message in found]


def missing_transform(template: Template) -> list[Problem]:
    """A SAM resource in a template without the SAM transform (CloudFormation refuses its
    type): the first one, naming the line to add."""
    resources = template.body.get("Resources")
    if template.is_sam or not isinstance(resources, dict):
        return []
    sam = [(n, r["Type"]) for n, r in resources.items() if isinstance(r, dict)
           and str(r.get("Type", "")).startswith("AWS::Serverless::")]
    return [Problem(template.display, line_of_key(_text(template), name),
                    f"{name} is {kind}, which needs the SAM transform: add "
                    f"'Transform: {SAM_TRANSFORM}' at the top") for name, kind in sam[:1]]


def template_limits(template: Template) -> list[Problem]:
    """Counts of sections, name lengths and the description's size."""
    body, text = template.body, _text(template)
    found = []
    for section, most in (("Resources", MAX_RESOURCES), ("Parameters", MAX_PARAMETERS),
                          ("Outputs", MAX_OUTPUTS), ("Mappings", MAX_MAPPINGS)):
        entries = body.get(section) or {}
        if isinstance(entries, dict) and len(entries) > most:
            found.append(Problem(template.display, line_of_key(text, section),
                                 f"{len(entries)} {section.lower()}: CloudFormation allows "
                                 f"at most {most} per template (split the stack)"))
        long = [n for n in entries if isinstance(entries, dict) and len(str(n)) > MAX_NAME]
        found += [Problem(template.display, line_of_key(text, n), f"{section} name longer "
                          f"than {MAX_NAME} characters") for n in long]
    found += [Problem(template.display, line_of_key(text, str(section)), f"{section} is empty: "
                      "CloudFormation refuses a section without a value (remove the line or "
                      "give it entries)") for section, value in body.items() if value is None]
    description = body.get("Description")
    if isinstance(description, str) and utf8_size(description) > MAX_DESCRIPTION:
        found.append(Problem(template.display, line_of_key(text, "Description"),
                             f"Description is longer than {MAX_DESCRIPTION} bytes"))
    return found


def circular_dependencies(template: Template,
                          written: dict[str, Any] | None = None) -> Iterator[Problem]:
    """Resources that depend on each other in a circle (DependsOn, Ref, GetAtt, Sub); the line
    is that of the first resource of the circle the template as `written` declares (a SAM
    template checked once translated: FnRole is declared as Fn)."""
    resources = template.body.get("Resources") or {}
    graph = nx.DiGraph()
    for name, spec in resources.items():
        graph.add_node(name)
        for used in _uses(spec, set(resources)) - {name}:
            graph.add_edge(name, used)
        if name in _depends_on(spec):
            graph.add_edge(name, name)
    try:
        cycle = nx.find_cycle(graph)
    except nx.NetworkXNoCycle:
        return
    names = [a for a, _ in cycle] + [cycle[0][0]]
    declared = [n for n in names if n in ((written or template.body).get("Resources") or {})]
    yield Problem(template.display, line_of_key(_text(template), (declared or names)[0]),
                  "circular dependency between resources: " + " -> ".join(names))


def _depends_on(spec: Any) -> set[str]:
    value = spec.get("DependsOn") if isinstance(spec, dict) else None
    items = [value] if isinstance(value, str) else value if isinstance(value, list) else []
    return {v for v in items if isinstance(v, str)}


def _uses(spec: Any, names: set[str]) -> set[str]:
    """Resources one resource refers to (its DependsOn and every reference in it)."""
    found = _depends_on(spec) & names
    stack = [spec.get(k) for k in ("Properties", "Metadata", "Condition") if isinstance(spec, dict)]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            for key, value in node.items():
                found |= _referenced(key, value) & names
                stack.append(value)
        elif isinstance(node, list):
            stack.extend(node)
    return found


def _referenced(key: str, value: Any) -> set[str]:
    if key == "Ref" and isinstance(value, str):
        return {value}
    if key == "Fn::GetAtt":
        first = value[0] if isinstance(value, list) and value else value
        return {first.split(".")[0]} if isinstance(first, str) else set()
    if key == "Fn::Sub":
        text = value if isinstance(value, str) else value[0] if isinstance(value, list) and \
            value and isinstance(value[0], str) else ""
        return set(_SUB_NAME.findall(text))
    return set()


def repository_app_refusals(template: Template, env: Environment) -> list[Problem]:
    """What the local endpoint cannot deploy and says so before anything runs: apps of the
    Serverless Application Repository (it has none; AWS would be asked otherwise)."""
    from ws.package.sam import repository_apps

    apps = repository_apps(template.body) if env.target == "local" and template.is_sam else []
    return [Problem(template.display, line_of_key(_text(template), apps[0]),
                    "the local endpoint cannot deploy Serverless Application Repository apps: "
                    + ", ".join(apps))] if apps else []


def tag_problems(stack: Stack, env: Environment) -> list[Problem]:
    """The stack's tags (environment's and its own): count, reserved prefix, sizes."""
    tags = {**env.tags, **stack.tags}
    found = []
    if len(tags) + WS_TAGS > MAX_TAGS:
        found.append(Problem(stack.config_file, stack.line_of("tags"),
                             f"{len(tags)} tags (with the environment's): CloudFormation "
                             f"allows {MAX_TAGS} per stack and ws adds up to {WS_TAGS}, so at "
                             f"most {MAX_TAGS - WS_TAGS}"))
    for key, value in tags.items():
        origin = stack.config_file if key in stack.tags else env.file
        line = stack.line_of("tags") if key in stack.tags else None
        if key.lower().startswith("aws:"):
            found.append(Problem(origin, line, f"tag {key!r}: keys starting with 'aws:' are "
                                               "reserved for AWS"))
        elif not 1 <= len(key) <= MAX_TAG_KEY or len(str(value)) > MAX_TAG_VALUE:
            found.append(Problem(origin, line, f"tag {key[:40]!r}: keys take 1 to {MAX_TAG_KEY}"
                                               f" characters, values at most {MAX_TAG_VALUE}"))
    return found


def parameter_sizes(stack: Stack, env: Environment) -> list[Problem]:
    """Parameter values (as written) larger than CloudFormation takes."""
    values = {**stack.parameters, **(env.parameters.get(stack.name) or {})}
    return [Problem(stack.config_file, stack.line_of("parameters"),
                    f"parameter {key!r} is {utf8_size(str(v))} bytes: CloudFormation takes "
                    f"at most {MAX_PARAMETER_VALUE}")
            for key, v in values.items() if utf8_size(str(v)) > MAX_PARAMETER_VALUE]


def duplicate_exports(ws: Workspace, env: Environment) -> list[Problem]:
    """Export names must be unique in a region: two stacks exporting one name cannot both
    deploy (only names ws can work out before deploying are compared)."""
    seen: dict[str, str] = {}
    found = []
    for name in sorted(ws.stacks):
        template = ws.stacks[name].template
        known = {"AWS::StackName": env.stack_name(name), "AWS::Region": env.region}
        for output, expr in sorted(template.exports().items()):
            export = static_value(expr, known)
            if export is None:
                continue
            if export in seen and seen[export] != template.display:
                found.append(Problem(template.display, line_of_key(_text(template), output),
                                     f"export name {export!r} is also exported by "
                                     f"{seen[export]}: export names are unique per region"))
            seen.setdefault(export, template.display)
    return found


def _text(template: Template) -> str:
    try:
        return template.path.read_text(encoding="utf-8")
    except OSError:
        return ""
