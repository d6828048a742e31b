"""The files a target reads (its inputs) and writes (its outputs), by glob."""
from __future__ import annotations

import glob
import hashlib
import os
from pathlib import Path

from ws.errors import ConfigError

# Never inputs: ws's own state, version control, and caches tools rebuild.
SKIP = frozenset({".ws", ".git", "__pycache__", ".pytest_cache", ".mypy_cache",
                  ".ruff_cache", ".aws-sam", ".tox", ".venv", "node_modules"})


def every_file(folder: Path) -> list[Path]:
    """The files of a stack folder, but for ws's state and caches."""
    found = []
    for top, dirs, names in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if d not in SKIP)
        found += [Path(top, n) for n in names if not n.endswith(".pyc")]
    return sorted(found)


def matching(folder: Path, root: Path, patterns: tuple[str, ...], what: str) -> list[Path]:
    """Files matching `patterns` (relative to `folder`, `**` for any depth), which must stay
    inside the workspace `root`; caches left out."""
    found: set[Path] = set()
    for pattern in patterns:
        absolute = os.path.normpath(folder / pattern)
        if not Path(absolute).is_relative_to(root):
            raise ConfigError(f"{what} {pattern!r} leads outside the workspace",
                              "write a glob relative to the stack folder, inside the workspace")
        for name in glob.glob(absolute, recursive=True):
            path = Path(name)
            if path.is_file() and not SKIP.intersection(path.relative_to(root).parts):
                found.add(path)
            elif path.is_dir():
                found.update(every_file(path))
    return sorted(found)


def file_hashes(paths: list[Path], root: Path) -> dict[str, str]:
    """sha256 of each file, by its path relative to the workspace."""
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in paths}


def inputs_of(folder: Path, root: Path, inputs: tuple[str, ...] | None,
              outputs: tuple[str, ...]) -> list[Path]:
    """A target's inputs: its globs (default: every file of the stack folder), less what it
    produces (or a build's own outputs would change its hash each time)."""
    found = every_file(folder) if inputs is None else matching(folder, root, inputs, "input")
    produced = set(matching(folder, root, outputs, "output")) if outputs else set()
    return [p for p in found if p not in produced]
