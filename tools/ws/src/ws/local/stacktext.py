"""Text a stack holds on the local endpoint: stored as CloudFormation stores it, or refused as
CloudFormation refuses it, never stored so that a later read fails.

- moto reads a JSON template with a YAML parser, which turns an escaped emoji (`\\ud83d\\uded2`,
  as `json.dumps` writes it) into two lone surrogates that no response can encode: every later
  DescribeStacks answered an HTML 500. Here surrogate pairs are joined into their character.
- CloudFormation answers in XML 1.0, which cannot carry NUL, most other control characters,
  U+FFFE/U+FFFF or a lone surrogate: such text in a template, a parameter value or a tag is
  refused (ValidationError), as ws's check before deploying refuses it (ws.lint.textcheck).
"""
from __future__ import annotations

from typing import Any, Iterable

from moto.cloudformation.exceptions import ValidationError

from ws.lint.xmltext import describe_char, first_unsafe, joined_surrogates


def repaired(value: Any) -> Any:
    """`value` (a parsed template) with every surrogate pair joined, in keys and strings."""
    if isinstance(value, str):
        return joined_surrogates(value)
    if isinstance(value, dict):
        return type(value)((repaired(k), repaired(v)) for k, v in value.items())
    if isinstance(value, list):
        return [repaired(v) for v in value]
    return value


def refuse_unsafe_template(body: Any) -> None:
    """ValidationError naming where a template holds a character no stack can hold."""
    found = first_unsafe(body)
    if found is not None:
        where, char = found
        raise ValidationError(message=f"Template format error: {where or 'the template'} "
                                      f"contains {describe_char(char)}, which CloudFormation "
                                      "cannot store")


def refuse_unsafe_values(kind: str, values: Iterable[tuple[str, Any]]) -> None:
    """ValidationError naming the parameter (or tag) whose value no stack can hold."""
    for key, value in values:
        found = first_unsafe({key: value})
        if found is not None:
            raise ValidationError(message=f"{kind} {key} contains {describe_char(found[1])}: "
                                          "CloudFormation takes no control characters other "
                                          "than tab and line breaks")
