"""What bench_corpus.py reads in a template: its resources' types and lines, parameters, exports."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from ws.config import cfnyaml

TYPE = re.compile(r"AWS::[A-Za-z0-9]+::[A-Za-z0-9:]+|Custom::[A-Za-z0-9]+")
LINE = re.compile(r"\.ya?ml:(\d+):")
LOGICAL = re.compile(r"(?:^|ROLLBACK_COMPLETE: |\d: |^error: )([A-Za-z][A-Za-z0-9]*)"
                     r"(?: CREATE_FAILED|:| did not run)")


@dataclass
class TemplateFacts:
    resources: dict = field(default_factory=dict)  # logical id -> type
    lines: list = field(default_factory=list)  # (first line, last line, logical id)
    parameters: dict = field(default_factory=dict)
    exports: list = field(default_factory=list)  # Export.Name values as written


def read_facts(path: Path) -> TemplateFacts:
    """The template's facts, or empty ones when it cannot be read."""
    text = path.read_text(errors="replace")
    try:
        data = cfnyaml.decode(text, path.name)
    except Exception:  # an unreadable template has no facts; its failure says why
        return TemplateFacts()
    if not isinstance(data, dict):
        return TemplateFacts()
    resources = data.get("Resources") if isinstance(data.get("Resources"), dict) else {}
    outputs = data.get("Outputs") if isinstance(data.get("Outputs"), dict) else {}
    params = data.get("Parameters") if isinstance(data.get("Parameters"), dict) else {}
    return TemplateFacts(
        {k: str(v.get("Type", "")) for k, v in resources.items() if isinstance(v, dict)},
        _resource_lines(text), params,
        [o["Export"].get("Name") for o in outputs.values()
         if isinstance(o, dict) and isinstance(o.get("Export"), dict)])


def _resource_lines(text: str) -> list[tuple[int, int, str]]:
    try:
        root = yaml.compose(text, Loader=cfnyaml._Loader)
    except yaml.YAMLError:
        return []
    if not isinstance(root, yaml.MappingNode):
        return []
    res = next((v for k, v in root.value if k.value == "Resources"), None)
    if not isinstance(res, yaml.MappingNode):
        return []
    return [(k.start_mark.line + 1, v.end_mark.line + 1, str(k.value)) for k, v in res.value]


def failed_type(error: str, facts: TemplateFacts) -> str:
    """The resource type a failure is about: named in it, or its resource's (by id or line)."""
    named = TYPE.findall(error)
    if named:
        return named[0]
    for logical in LOGICAL.findall(error):
        if logical in facts.resources:
            return facts.resources[logical]
        owner = max((k for k in facts.resources if logical.startswith(k)), key=len, default="")
        if owner:  # an id the SAM transform generated from its resource
            return facts.resources[owner]
    line = LINE.search(error)
    if line:
        number = int(line.group(1))
        for first, last, logical in facts.lines:
            if first <= number < last or first == number:
                return facts.resources.get(logical, "(no type named)")
    return "(no type named)"
