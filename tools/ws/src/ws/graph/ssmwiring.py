"""SSM parameters as wiring between stacks: the names a template creates
(`AWS::SSM::Parameter`) and the names it reads (`AWS::SSM::Parameter::Value<...>` template
parameters, `{{resolve:ssm:NAME}}` references). Pure: names are evaluated from known values."""
from __future__ import annotations

import logging
import re
from typing import Any

from ws.config import refs
from ws.config.templates import Template, static_value

log = logging.getLogger(__name__)

SSM_PARAMETER = "AWS::SSM::Parameter"
VALUE_TYPE = "AWS::SSM::Parameter::Value<"
_RESOLVE = re.compile(r"\{\{resolve:ssm:([^}]+)\}\}")
_VERSION = re.compile(r"^(.*):(\d+)$")


def wiring(templates: dict[str, Template], variables: dict[str, dict[str, str]],
           passed: dict[str, dict[str, str]]) -> tuple[list[tuple[str, str, str]],
                                                       dict[str, dict[str, str]]]:
    """The edges (writer, reader, reason) between the stacks of `templates`, and per stack the
    names it reads with the stack that writes each ("" for none of them). A name a stack
    reads and writes itself is neither: it is known only once that stack has deployed."""
    makers = {ssm_name: name for name, template in templates.items()
              for ssm_name in produced(template, variables[name])}
    edges, reads = [], {}
    for name, template in templates.items():
        read = consumed(template, variables[name], passed[name])
        edges += [(makers[n], name, f"reads SSM parameter {n} ({how})")
                  for n, how in sorted(read.items()) if makers.get(n, name) != name]
        own = {n: makers.get(n, "") for n in sorted(read) if makers.get(n) != name}
        if own:
            reads[name] = own
    return edges, reads


def produced(template: Template, variables: dict[str, str]) -> dict[str, str]:
    """SSM parameter name -> the logical id of the resource that creates it."""
    found = {}
    for logical_id, resource in sorted(_resources(template).items()):
        if resource.get("Type") != SSM_PARAMETER:
            continue
        expr = (resource.get("Properties") or {}).get("Name")
        name = static_value(expr, variables) if expr is not None else None
        if name is None:
            log.debug("%s: SSM parameter %s has no name ws can tell", template.display,
                      logical_id)
        else:
            found[name] = logical_id
    return found


def consumed(template: Template, variables: dict[str, str],
             passed: dict[str, str]) -> dict[str, str]:
    """SSM parameter name -> how the template reads it ("parameter X", "{{resolve:ssm}}").
    `passed`: the parameter values ws sends (a value with a ${stack.Output} reference is not
    known before deploying, so it names nothing here)."""
    found: dict[str, str] = {}
    for key, spec in sorted(template.parameters.items()):
        if not str(spec.get("Type", "")).startswith(VALUE_TYPE):
            continue
        value = passed[key] if key in passed else spec.get("Default")
        if isinstance(value, str) and value and not _has_refs(value):
            found.setdefault(value, f"parameter {key}")
    for text in _strings(template.body, variables):
        for match in _RESOLVE.finditer(text):
            name = _name_of(match.group(1))
            if "${" in name:
                log.debug("%s: %s names a value ws cannot tell", template.display,
                          match.group(0))
            else:
                found.setdefault(name, "{{resolve:ssm}}")
    return found


def _has_refs(value: str) -> bool:
    try:
        return bool(refs.parse(value)) or refs.secret_of(value) is not None
    except ValueError:
        return True


def _name_of(reference: str) -> str:
    """`name` or `name:version` -> name (a version pins the value: the name is still read)."""
    found = _VERSION.match(reference)
    return found.group(1) if found else reference


def _resources(template: Template) -> dict[str, dict[str, Any]]:
    resources = template.body.get("Resources") or {}
    return {k: v for k, v in resources.items() if isinstance(v, dict)}


def _strings(node: Any, variables: dict[str, str]) -> list[str]:
    """Every string of the template; an Fn::Sub as its value where it can be told."""
    found: list[str] = []
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            found.append(item)
        elif isinstance(item, dict):
            if set(item) == {"Fn::Sub"}:
                value = static_value(item, variables)
                if value is not None:
                    found.append(value)
                    continue
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return found
