"""What an EventBridge target receives: the event, its constant Input, the part an InputPath
selects, or an InputTransformer's template filled from InputPathsMap (and <aws.events.*>)."""
from __future__ import annotations

import json
import re
from typing import Any

MISSING = object()
_STEP = re.compile(r"\.([^.\[\]]+)|\[(\d+)\]|\['([^']*)'\]")
_PLACEHOLDER = re.compile(r"<([A-Za-z0-9_.\-]+)>")


def select(event: Any, path: str) -> Any:
    """A JSONPath of dots and indexes (`$.detail.items[0].id`) on `event`; MISSING if absent."""
    path = path.strip()
    if not path.startswith("$"):
        return MISSING
    node, rest = event, path[1:]
    for match in _STEP.finditer(rest):
        key = match[1] if match[1] is not None else match[3]
        if key is not None and isinstance(node, dict) and key in node:
            node = node[key]
        elif match[2] is not None and isinstance(node, list) and int(match[2]) < len(node):
            node = node[int(match[2])]
        else:
            return MISSING
    return node


def payload(target: dict[str, Any], event: dict[str, Any], rule_arn: str) -> str:
    """The text a target receives for `event` matched by the rule `rule_arn`."""
    if "Input" in target:
        return str(target["Input"])
    if target.get("InputPath"):
        chosen = select(event, target["InputPath"])
        return json.dumps(None if chosen is MISSING else chosen)
    transformer = target.get("InputTransformer")
    if transformer:
        return fill(transformer.get("InputTemplate", ""), _values(transformer, event, rule_arn))
    return json.dumps(event)


def _values(transformer: dict[str, Any], event: dict[str, Any], rule_arn: str) -> dict[str, Any]:
    paths = transformer.get("InputPathsMap") or {}
    if isinstance(paths, str):
        paths = json.loads(paths)
    values = {name: select(event, path) for name, path in paths.items()}
    values.update({"aws.events.rule-arn": rule_arn,
                   "aws.events.rule-name": rule_arn.rsplit("/", 1)[-1],
                   "aws.events.event.ingestion-time": event.get("time", ""),
                   "aws.events.event": event,
                   "aws.events.event.json": json.dumps(event)})
    return values


def fill(template: str, values: dict[str, Any]) -> str:
    """Replace each <name> of `template`: inside a JSON string with the value's text, outside
    with the value as JSON (a string quoted); an unknown name stays as written."""
    out, pos, quoted = [], 0, False
    for match in _PLACEHOLDER.finditer(template):
        quoted = _inside_string(template, pos, match.start(), quoted)
        out.append(template[pos:match.start()])
        name = match[1]
        value = values.get(name, MISSING) if name in values else MISSING
        if name not in values:
            out.append(match[0])
        elif quoted:
            out.append(_as_text(value))
        else:
            out.append("null" if value is MISSING else json.dumps(value))
        pos = match.end()
    out.append(template[pos:])
    return "".join(out)


def _inside_string(text: str, start: int, end: int, quoted: bool) -> bool:
    """Whether a JSON string is open at `end`, given its state at `start`."""
    escaped = False
    for char in text[start:end]:
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == '"':
            quoted = not quoted
    return quoted


def _as_text(value: Any) -> str:
    if value is MISSING or value is None:
        return ""
    if isinstance(value, str):
        return json.dumps(value)[1:-1]
    return json.dumps(json.dumps(value))[1:-1] if isinstance(value, (dict, list)) \
        else json.dumps(value)
