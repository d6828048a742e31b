"""Which characters a stack can hold: CloudFormation answers in XML 1.0, which carries tab, line
feed, carriage return and every other character from U+0020 on, except the surrogates and
U+FFFE/U+FFFF. NUL and the other control characters cannot be returned, so CloudFormation takes
them nowhere: not in a template, a parameter value or a tag."""
from __future__ import annotations

import re
from typing import Any

UNSAFE = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_PAIR = re.compile("[\ud800-\udbff][\udc00-\udfff]")


def joined_surrogates(text: str) -> str:
    """`text` with each surrogate pair (as a YAML parser reads `\\ud83d\\uded2`) made the one
    character it encodes; a lone surrogate is left as it is."""
    if not _PAIR.search(text):
        return text
    return _PAIR.sub(lambda m: m.group().encode("utf-16", "surrogatepass").decode("utf-16"), text)


def first_unsafe(value: Any, where: str = "") -> tuple[str, str] | None:
    """(where, the character) of the first string (key or value) in `value` that holds a
    character no stack can hold; None when there is none. `where` is a dotted path. (Walked
    without recursion: a template may nest deeper than Python's stack.)"""
    todo: list[tuple[str, Any]] = [(where, value)]
    while todo:
        path, node = todo.pop()
        if isinstance(node, str):
            found = UNSAFE.search(joined_surrogates(node))
            if found:
                return path, found.group()
        elif isinstance(node, dict):
            items = [(f"{path}.{k}" if path else str(k), v) for k, v in node.items()]
            keys = [(f"a key of {path}" if path else "a key", k) for k in node
                    if isinstance(k, str)]
            todo.extend(reversed(keys + items))
        elif isinstance(node, list):
            todo.extend(reversed([(f"{path}[{n}]", item) for n, item in enumerate(node)]))
    return None


def describe_char(char: str) -> str:
    """The character as a message names it: U+0000 (NUL), U+0007 (a control character)..."""
    code = ord(char)
    kind = ("NUL" if code == 0 else "a control character" if code < 0x20
            else "half of a surrogate pair" if 0xD800 <= code <= 0xDFFF else "a noncharacter")
    return f"U+{code:04X} ({kind})"
