"""Decode a CloudFormation template (JSON or YAML with the intrinsic functions' short forms)
into plain data, without cfn-lint (whose import alone costs half a second)."""
from __future__ import annotations

import json
import re
from typing import Any

import yaml

from ws.errors import ConfigError

# The short forms CloudFormation accepts; any other tag (!Include, !Foo) is refused.
FUNCTIONS = ("And", "Base64", "Cidr", "Condition", "Equals", "FindInMap", "ForEach", "GetAtt",
             "GetAZs", "If", "ImportValue", "Join", "Length", "Not", "Or", "Ref", "Select",
             "Split", "Sub", "ToJsonString", "Transform")
_NOT_FN = ("Ref", "Condition")


class _Loader(yaml.SafeLoader):
    """SafeLoader with CloudFormation's tags; dates stay strings ("2010-09-09")."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()}


def _construct(loader: _Loader, suffix: str, node: yaml.Node) -> Any:
    if suffix not in FUNCTIONS:
        raise ConfigError(f"unknown YAML tag !{suffix}: CloudFormation knows only the short "
                          f"forms of its functions (!Ref, !Sub, !GetAtt...)",
                          path=loader.name, line=node.start_mark.line + 1)
    if isinstance(node, yaml.ScalarNode):
        value: Any = loader.construct_scalar(node)
        if suffix == "GetAtt":
            value = value.split(".", 1)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)
    return {suffix if suffix in _NOT_FN else f"Fn::{suffix}": value}


_Loader.add_multi_constructor("!", _construct)


def decode(text: str, display: str) -> Any:
    """The template's data; syntax errors are ConfigErrors with the line."""
    if text.lstrip().startswith("{"):
        return _json(text, display)
    loader = _Loader(text)
    loader.name = display
    try:
        return loader.get_single_data()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise ConfigError(f"invalid template: {exc.problem or exc}", path=display,
                          line=mark.line + 1 if mark else None) from None
    except yaml.YAMLError as exc:
        raise ConfigError(f"invalid template: {str(exc).splitlines()[0]}", path=display) from None
    finally:
        loader.dispose()


def _json(text: str, display: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ConfigError(f"invalid JSON template: {exc.msg}", path=display,
                          line=exc.lineno) from None


def line_of_key(text: str, key: str) -> int:
    """The first line that names `key` as a mapping key (1 when none does)."""
    pattern = re.compile(rf"(^|[\s\"'{{,]){re.escape(key)}[\"']?\s*:")
    for number, line in enumerate(text.splitlines(), start=1):
        if pattern.search(line):
            return number
    return 1
