"""Deterministic zips of built trees, and a package made of a cached dependencies zip with the
function's code appended (the dependencies are never compressed again)."""
from __future__ import annotations

import io
import os
import zipfile
from pathlib import Path

from ws.package.code import files_of

_ZIP_DATE = (1980, 1, 1, 0, 0, 0)
EMPTY_ZIP = b"PK\x05\x06" + bytes(18)  # no entries: the end record alone


def _entry(name: str, path: Path) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, _ZIP_DATE)
    executable = os.access(path, os.X_OK)  # kept: a bundled binary must still run
    info.external_attr = (0o755 if executable else 0o644) << 16
    info.compress_type = zipfile.ZIP_DEFLATED
    return info


def add_tree(archive: zipfile.ZipFile, folder: Path, prefix: str = "",
             skip: frozenset[str] = frozenset()) -> None:
    """Add `folder`'s files under `prefix`, sorted (`skip`: top-level names left out)."""
    for path in files_of(folder):
        rel = path.relative_to(folder)
        if rel.parts[0] not in skip:
            archive.writestr(_entry(prefix + rel.as_posix(), path), path.read_bytes())


def zip_tree(folder: Path, prefix: str = "", skip: frozenset[str] = frozenset()) -> bytes:
    """A deterministic zip of `folder` under `prefix`: same content, same bytes."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        add_tree(archive, folder, prefix, skip)
    return buffer.getvalue()


def with_code(deps: bytes, code: Path, prefix: str = "",
              skip: frozenset[str] = frozenset()) -> bytes:
    """A copy of the `deps` zip with `code`'s files added under `prefix`. A code file that has
    the name of a dependency's file wins: that dependency file is left out."""
    names = set(zipfile.ZipFile(io.BytesIO(deps)).namelist())
    clashes = {prefix + p.relative_to(code).as_posix() for p in files_of(code)
               if p.relative_to(code).parts[0] not in skip} & names
    if clashes:
        deps = _without(deps, clashes)
    buffer = io.BytesIO(deps)
    buffer.seek(0, io.SEEK_END)
    with zipfile.ZipFile(buffer, "a", zipfile.ZIP_DEFLATED) as archive:
        add_tree(archive, code, prefix, skip)
    return buffer.getvalue()


def _without(data: bytes, names: set[str]) -> bytes:
    """The zip less the entries named (a rare clash: those entries are copied, not the rest)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, \
            zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            if info.filename not in names:
                archive.writestr(info, source.read(info))
    return buffer.getvalue()
