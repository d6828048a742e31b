"""Text CloudFormation cannot store, found before deploying: a NUL, another control character
(tab and line breaks are fine), a lone surrogate or U+FFFE/U+FFFF in a template, a parameter
value or a tag (ws.lint.xmltext says why). Any other Unicode (emoji, right-to-left marks, CJK)
is fine: the local endpoint stores and returns it as AWS does."""
from __future__ import annotations

from typing import Iterator

from ws.config.cfnyaml import line_of_key
from ws.config.environment import Environment
from ws.config.stack import Stack
from ws.config.templates import Template
from ws.lint.xmltext import describe_char, first_unsafe, joined_surrogates

SECTIONS = ("Resources", "Outputs", "Parameters", "Mappings", "Conditions", "Rules")
WHAT = "CloudFormation cannot store control characters other than tab and line breaks"


def unsafe_text(stack: Stack, env: Environment) -> Iterator[tuple[str, int | None, str]]:
    """(file, line, message) for each place of the stack holding text no stack can hold."""
    found = first_unsafe(stack.template.body)
    if found is not None:
        where, char = found
        yield (stack.template.display, _line(stack.template, where),
               f"{where or 'the template'} contains {describe_char(char)}: {WHAT} (remove it)")
    values = {**stack.parameters, **(env.parameters.get(stack.name) or {})}
    for key, value in sorted(values.items()):
        found = first_unsafe(str(value))
        if found is not None:
            yield (stack.config_file, stack.line_of("parameters"),
                   f"parameter {key!r} contains {describe_char(found[1])}: {WHAT}")
    for key, value in sorted({**env.tags, **stack.tags}.items()):
        found = first_unsafe({str(key): str(value)})
        if found is not None:
            origin = stack.config_file if key in stack.tags else env.file
            yield (origin, stack.line_of("tags") if key in stack.tags else None,
                   f"tag {key!r} contains {describe_char(found[1])}: {WHAT}")


def utf8_size(text: str) -> int:
    """Bytes of `text` in UTF-8 as CloudFormation counts them (a surrogate pair, as a YAML
    escape makes it, is the one character it encodes)."""
    return len(joined_surrogates(text).encode("utf-8", "surrogatepass"))


def _line(template: Template, where: str) -> int | None:
    parts = where.replace("[", ".").split(".")
    key = parts[1] if parts[0] in SECTIONS and len(parts) > 1 else parts[0]
    try:
        text = template.path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    return line_of_key(text, key) if key else None

