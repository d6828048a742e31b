"""Read YAML config files into plain data that remembers the line of every mapping key."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from ws.errors import ConfigError

MAX_CONFIG_BYTES = 1_000_000


class Mapping(dict):
    """A dict that knows the line (1-based) of itself and of each of its keys."""

    line: int | None = None
    key_lines: dict[str, int]

    def line_of(self, key: str) -> int | None:
        return self.key_lines.get(key, self.line)


class _Loader(yaml.SafeLoader):
    """SafeLoader whose mappings are `Mapping`s and which refuses duplicate keys."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> Mapping:
        result = Mapping()
        result.line = node.start_mark.line + 1
        result.key_lines = {}
        for key_node, value_node in node.value:
            key = self.construct_object(key_node, deep=True)
            line = key_node.start_mark.line + 1
            if not isinstance(key, str):
                raise ConfigError(f"key {key!r} must be a string", path=self.name, line=line)
            if key in result:
                raise ConfigError(f"duplicate key {key!r}", path=self.name, line=line)
            result[key] = self.construct_object(value_node, deep=True)
            result.key_lines[key] = line
        return result


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
    return text


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
