"""Read YAML config files into plain data that remembers the line of every mapping key."""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from ws.errors import ConfigError

MAX_CONFIG_BYTES = 1_000_000
MAX_DEPTH = 100  # nesting deeper than this is refused before a parser (or its recursion) sees it
MERGE_TAG = "tag:yaml.org,2002:merge"
_BRACKETS = re.compile(r"[\[\]{}]")


class Mapping(dict):
    """A dict that knows the line (1-based) of itself and of each of its keys, and the text
    as written of each value YAML read as something other than a string (1.10, 0755, NO)."""

    line: int | None = None
    key_lines: dict[str, int]
    texts: dict[str, str] = {}

    def line_of(self, key: str) -> int | None:
        return self.key_lines.get(key, self.line)


class _Loader(yaml.SafeLoader):
    """SafeLoader whose mappings are `Mapping`s and which refuses duplicate keys."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> Mapping:
        """Merge keys (`<<: *base`) are applied first: keys written in the mapping override
        merged ones, and a merged key keeps the line where the anchor defines it."""
        result = Mapping()
        result.line = node.start_mark.line + 1
        result.key_lines = {}
        result.texts = {}
        explicit = sum(key.tag != MERGE_TAG for key, _ in node.value)
        self._flatten(node)
        merged = len(node.value) - explicit  # flatten_mapping puts merged pairs first
        written: set[str] = set()
        for n, (key_node, value_node) in enumerate(node.value):
            key = self.construct_object(key_node, deep=True)
            line = key_node.start_mark.line + 1
            if not isinstance(key, str):
                raise ConfigError(f"key {key!r} must be a string", path=self.name, line=line)
            if n >= merged:
                if key in written:
                    raise ConfigError(f"duplicate key {key!r}", path=self.name, line=line)
                written.add(key)
            result[key] = self.construct_object(value_node, deep=True)
            result.key_lines[key] = line
            if isinstance(value_node, yaml.ScalarNode) and not isinstance(result[key], str):
                result.texts[key] = value_node.value
        return result

    def _flatten(self, node: yaml.MappingNode) -> None:
        """Apply merge keys; a merge of anything but mappings is a clear error."""
        try:
            self.flatten_mapping(node)
        except yaml.constructor.ConstructorError as exc:
            mark = exc.problem_mark or node.start_mark
            raise ConfigError(f"'<<' merges mappings only: {exc.problem}", path=self.name,
                              line=mark.line + 1) from None


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _Loader.construct_mapping)


def check_inside(path: Path, root: Path, display: str) -> None:
    """Refuse a file or folder that leads outside the workspace (a symlink, or '..')."""
    real = path.resolve()
    if not real.is_relative_to(root.resolve()):
        raise ConfigError(f"leads outside the workspace (to {real})",
                          "keep everything ws reads inside the repository", path=display)


def read_text(path: Path, display: str, limit: int = MAX_CONFIG_BYTES,
              hint: str | None = None) -> str:
    """A text file's content; unreadable, too large, not UTF-8 or binary is a ConfigError."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ConfigError(f"cannot read file: {exc.strerror}", path=display) from None
    if len(raw) > limit:
        raise ConfigError(f"file is too large ({len(raw)} bytes, at most {limit})", hint,
                          path=display)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise ConfigError("not a UTF-8 text file", path=display) from None
    if "\x00" in text:
        raise ConfigError("a binary file, not text", path=display)
    check_depth(text, display)
    return text


def check_depth(text: str, display: str, limit: int = MAX_DEPTH) -> None:
    """Refuse a document nested deeper than `limit` (brackets or indentation) before any parser
    sees it: deep nesting makes pure-Python parsers recurse out of stack and C parsers crash.
    The scan is cheap and errs on the safe side (brackets inside strings count too)."""
    depth = deepest = 0
    for char in _BRACKETS.findall(text):
        if char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth = max(depth - 1, 0)
    indents = {len(line) - len(line.lstrip(" -")) for line in text.splitlines() if line.strip()}
    if deepest > limit or len(indents) > limit:
        line = _line_at_depth(text, limit)
        raise ConfigError(f"nested more than {limit} levels deep", "flatten the document",
                          path=display, line=line)


def _line_at_depth(text: str, limit: int) -> int | None:
    """The line where bracket nesting first passes `limit` (None when indentation did)."""
    depth = 0
    for number, line in enumerate(text.splitlines(), start=1):
        for char in line:
            depth += (char in "[{") - (char in "]}")
            if depth > limit:
                return number
    return None


def load(path: Path, display: str) -> Any:
    """Parse `path`; every problem is a ConfigError naming `display` (the path the user knows)."""
    text = read_text(path, display)
    try:
        loader = _Loader(text)
    except yaml.YAMLError as exc:  # e.g. control characters YAML does not allow
        raise ConfigError(f"invalid YAML: {exc}".splitlines()[0], path=display) from None
    loader.name = display
    try:
        return loader.get_single_data()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        raise ConfigError(f"invalid YAML: {exc.problem or exc}", path=display, line=line) from None
    except yaml.YAMLError as exc:
        raise ConfigError(f"invalid YAML: {exc}", path=display) from None
    finally:
        loader.dispose()
