"""The files of a folder ws packages or publishes: regular files inside it, nothing else."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Iterator

from ws.errors import ConfigError

SKIP_DIRS = {"__pycache__", ".pytest_cache", ".git"}
HINT = ("ws packages only regular files inside the folder: copy the file in, "
        "or remove the link")


def files_of(folder: Path) -> list[Path]:
    """The files that make up `folder`, in a stable order, without caches. A link to a file or
    folder inside it is followed; a link out of it, a broken link, a device, fifo or socket is
    a ConfigError naming the path (nothing outside the folder is ever packaged)."""
    root = folder.resolve()
    return sorted(p for p in _walk(folder, root, frozenset({root})) if p.suffix != ".pyc")


def regular_file(path: Path, root: Path, display: str) -> Path:
    """`path` itself, checked to be a regular file (or a link to one) inside `root`."""
    target = path.resolve()
    if not target.is_relative_to(root.resolve()):
        raise ConfigError(f"{_shown(path)} is outside the workspace ({target})", HINT,
                          path=display)
    if not target.is_file():
        what = "does not exist" if not target.exists() else "is not a regular file"
        raise ConfigError(f"{_shown(path)} {what}", path=display)
    return path


def _walk(folder: Path, root: Path, chain: frozenset[Path]) -> Iterator[Path]:
    with os.scandir(folder) as entries:
        listed = sorted(entries, key=lambda e: e.name)
    for entry in listed:
        path = Path(entry.path)
        if entry.is_dir() and entry.name in SKIP_DIRS:
            continue
        if entry.is_symlink():
            _check_link(path, root)
        if entry.is_dir():
            resolved = path.resolve()
            if resolved in chain:
                raise ConfigError("links to a folder that contains it", HINT,
                                  path=_shown(path))
            yield from _walk(path, root, chain | {resolved})
        elif entry.is_file():
            yield path
        else:
            raise ConfigError("is not a regular file (a device, fifo or socket)", HINT,
                              path=_shown(path))


def _check_link(path: Path, root: Path) -> None:
    target = path.resolve()
    if not target.exists():
        raise ConfigError(f"is a broken link (to {os.readlink(path)})", HINT,
                          path=_shown(path))
    if not target.is_relative_to(root):
        raise ConfigError(f"links outside its folder {_shown(root)} (to {target})", HINT,
                          path=_shown(path))


def _shown(path: Path) -> str:
    """The path as the user knows it: relative to the current folder when inside it."""
    try:
        return str(path.absolute().relative_to(Path.cwd()))
    except ValueError:
        return str(path)
