"""Read a stack's CloudFormation/SAM template and what ws needs from it."""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ws.config.cfnyaml import decode
from ws.config.yamlfile import read_text
from ws.errors import ConfigError

SAM_TRANSFORM = "AWS::Serverless-2016-10-31"
MAX_TEMPLATE_BYTES = 1_000_000  # CloudFormation's limit for a template passed by S3 URL
MAX_NODES = 250_000  # values once YAML aliases are expanded (alias bombs stop here)
_SUB_VAR = re.compile(r"\$\{([^}!]+)\}")


@dataclass(frozen=True, eq=False)
class Template:
    """A parsed template: its body as plain data plus the parts the graph and deploy use."""

    path: Path
    display: str
    body: dict[str, Any]
    parameters: dict[str, dict[str, Any]] = field(default_factory=dict)
    outputs: dict[str, dict[str, Any]] = field(default_factory=dict)

    @property
    def is_sam(self) -> bool:
        transform = self.body.get("Transform")
        names = transform if isinstance(transform, list) else [transform]
        return SAM_TRANSFORM in names

    def exports(self) -> dict[str, Any]:
        """Output name -> the expression of its Export name."""
        return {name: out["Export"]["Name"] for name, out in self.outputs.items()
                if isinstance(out.get("Export"), dict) and "Name" in out["Export"]}

    def imports(self) -> list[Any]:
        """Every Fn::ImportValue argument anywhere in the template."""
        found: list[Any] = []
        _collect_imports(self.body, found)
        return found

    def no_echo(self) -> set[str]:
        return {name for name, spec in self.parameters.items()
                if str(spec.get("NoEcho", "false")).lower() == "true"}


def _collect_imports(node: Any, found: list[Any]) -> None:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "Fn::ImportValue":
                found.append(value)
            _collect_imports(value, found)
    elif isinstance(node, list):
        for item in node:
            _collect_imports(item, found)


def load_template(path: Path, display: str) -> Template:
    """Parse a YAML or JSON template; syntax and shape problems are ConfigErrors."""
    text = read_text(path, display, MAX_TEMPLATE_BYTES,
                     "CloudFormation takes templates up to 1 MB: split the stack")
    body = decode(text, display)
    if not isinstance(body, dict) or not isinstance(body.get("Resources"), dict):
        raise ConfigError("a template needs a 'Resources' mapping", path=display)
    size = _expanded_size(body, {})
    if size is None:
        raise ConfigError("a YAML alias refers to a node that contains it (a loop)",
                          "write the repeated part out", path=display)
    if size > MAX_NODES:
        raise ConfigError(f"template expands to more than {MAX_NODES} values once YAML "
                          "aliases are followed", "write the repeated parts out", path=display)
    plain = json.loads(json.dumps(body, default=str))
    _check_subs(plain, text, display)
    return Template(path=path, display=display, body=plain,
                    parameters=_section(plain, "Parameters", display),
                    outputs=_section(plain, "Outputs", display))


def _section(body: dict[str, Any], name: str, display: str) -> dict[str, dict[str, Any]]:
    section = body.get(name) or {}
    if not isinstance(section, dict) or not all(isinstance(v, dict) for v in section.values()):
        raise ConfigError(f"'{name}' must be a mapping of mappings", path=display)
    return section


def _check_subs(node: Any, text: str, display: str) -> None:
    """Fn::Sub takes a string or [string, {variables}]; CloudFormation refuses anything else."""
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            sub = item.get("Fn::Sub", "")
            if not isinstance(sub, str) and sub_parts(sub)[0] is None:
                raise ConfigError("Fn::Sub takes a string or a list of a string and a mapping "
                                  f"of variables, not {json.dumps(sub)[:60]}", path=display,
                                  line=_line_of_sub(text))
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


def _line_of_sub(text: str) -> int | None:
    for number, line in enumerate(text.splitlines(), start=1):
        if "Fn::Sub" in line or "!Sub" in line:
            return number
    return None


def static_value(expr: Any, variables: dict[str, str]) -> str | None:
    """Evaluate a Ref/Sub/Join expression from known variables; None where it cannot be known."""
    if isinstance(expr, str):
        return expr
    if not isinstance(expr, dict) or len(expr) != 1:
        return None
    (fn, arg), = expr.items()
    if fn == "Ref" and isinstance(arg, str):
        return variables.get(arg)
    if fn == "Fn::Sub":
        text, extra = sub_parts(arg)
        if text is None:
            return None
        local = dict(variables)
        local.update({k: static_value(v, variables) for k, v in extra.items()})
        names = _SUB_VAR.findall(text)
        if any(local.get(n) is None for n in names):
            return None
        return _SUB_VAR.sub(lambda m: local[m.group(1)], text)
    if fn == "Fn::Join" and isinstance(arg, list) and len(arg) == 2:
        parts = [static_value(p, variables) for p in arg[1]]
        return None if None in parts else str(arg[0]).join(parts)  # type: ignore[arg-type]
    return None


def sub_parts(arg: Any) -> tuple[str | None, dict[str, Any]]:
    """Fn::Sub's string and variables: "text" or ["text", {vars}] (a malformed one: None)."""
    if isinstance(arg, str):
        return arg, {}
    if isinstance(arg, list) and len(arg) == 2 and isinstance(arg[0], str) \
            and isinstance(arg[1], dict):
        return arg[0], arg[1]
    return None, {}


def _expanded_size(node: Any, memo: dict[int, int | None]) -> int | None:
    """How many values `node` holds with aliases expanded (a shared node counts each time);
    None when an alias loops back into a node that contains it."""
    if id(node) in memo:
        return memo[id(node)]  # None: still being counted, so this is a loop
    children = node.values() if isinstance(node, dict) else node if isinstance(node, list) else ()
    memo[id(node)] = None
    total = 1
    for child in children:
        size = _expanded_size(child, memo)
        if size is None:
            return None
        total += size
        if total > MAX_NODES:
            break
    memo[id(node)] = total
    return total
