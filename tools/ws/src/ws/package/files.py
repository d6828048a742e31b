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
    return sorted(p for p in _walk(folder, root, frozenset({root}), root)
                  if p.suffix != ".pyc")


def _walk(folder: Path, root: Path, chain: frozenset[Path],
          real: Path | None = None) -> Iterator[Path]:
    """Files under `folder` (whose real path is `real`, resolved only through links)."""
    real = real or folder.resolve()
    with os.scandir(folder) as entries:
        listed = sorted(entries, key=lambda e: e.name)
    for entry in listed:
        path = Path(entry.path)
        if entry.name in SKIP_DIRS:  # a .git file (a worktree's) too, as before
            continue
        linked = entry.is_symlink()
        if linked:
            _check_link(path, root)
        if entry.is_dir():
            inner = path.resolve() if linked else real / entry.name
            if inner in chain:
                raise ConfigError("links to a folder that contains it", HINT,
                                  path=_shown(path))
            yield from _walk(path, root, chain | {inner}, inner)
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
