"""The files a target reads (its inputs) and writes (its outputs), by glob."""
from __future__ import annotations

import glob
import hashlib
import os
from pathlib import Path
from typing import Callable

from ws.errors import ConfigError

# Never inputs: ws's own state, version control, and caches tools rebuild.
SKIP = frozenset({".ws", ".git", "__pycache__", ".pytest_cache", ".mypy_cache",
                  ".ruff_cache", ".aws-sam", ".tox", ".venv", "node_modules"})


def every_file(folder: Path, prune: frozenset[Path] = frozenset()) -> list[Path]:
    """The files of a stack folder, but for ws's state and caches (and the folders `prune`)."""
    found = []
    for top, dirs, names in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if d not in SKIP and Path(top, d) not in prune)
        found += [Path(top, n) for n in names if not n.endswith(".pyc")]
    return sorted(found)


def matching(folder: Path, root: Path, patterns: tuple[str, ...], what: str) -> list[Path]:
    """Files matching `patterns` (relative to `folder`, `**` for any depth), which must stay
    inside the workspace `root`; caches left out."""
    found: set[Path] = set()
    folders: set[Path] = set()
    for pattern in patterns:
        absolute = os.path.normpath(folder / pattern)
        if not Path(absolute).is_relative_to(root):
            raise ConfigError(f"{what} {pattern!r} leads outside the workspace",
                              "write a glob relative to the stack folder, inside the workspace")
        if whole_folder(pattern) and os.path.isdir(absolute[:-3]):
            folders.add(Path(absolute[:-3]))  # (what glob would find, without its cost)
            continue
        for name in glob.glob(absolute, recursive=True):
            path = Path(name)
            if SKIP.intersection(path.relative_to(root).parts):
                continue
            if path.is_file():
                found.add(path)
            elif path.is_dir():
                folders.add(path)
    for path in _outermost(folders):  # (`dist/**` matches every folder under dist too)
        found.update(every_file(path))
    return sorted(found)


def whole_folder(pattern: str) -> bool:
    """`dist/**`: every file under a folder named without wildcards."""
    return pattern.endswith("/**") and not glob.has_magic(pattern[:-3])


def _outermost(folders: set[Path]) -> list[Path]:
    """The folders not inside another of them."""
    return [f for f in folders if not any(parent in folders for parent in f.parents)]


def file_hashes(paths: list[Path], root: Path,
                sha: Callable[[Path], str] | None = None) -> dict[str, str]:
    """sha256 of each file, by its path relative to the workspace (`sha`: a HashMemo's)."""
    sha = sha or (lambda p: hashlib.sha256(p.read_bytes()).hexdigest())
    return {p.relative_to(root).as_posix(): sha(p) for p in paths}


def inputs_of(folder: Path, root: Path, inputs: tuple[str, ...] | None,
              outputs: tuple[str, ...]) -> list[Path]:
    """A target's inputs: its globs (default: every file of the stack folder), less what it
    produces (or a build's own outputs would change its hash each time)."""
    if inputs is not None:
        found, rest = matching(folder, root, inputs, "input"), outputs
    else:  # an output folder (`build/**`) is not walked at all
        found = every_file(folder, frozenset(Path(os.path.normpath(folder / o[:-3]))
                                             for o in outputs if whole_folder(o)))
        rest = tuple(o for o in outputs if not whole_folder(o))
    produced = set(matching(folder, root, rest, "output")) if rest else set()
    return [p for p in found if p not in produced]
