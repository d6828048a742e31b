"""Is a stack folder a CDK app, and a cheap digest of its source (what decides a new synth)."""
from __future__ import annotations

import hashlib
import os
from pathlib import Path

CDK_FILE = "cdk.json"
_SKIPPED = {"node_modules", "cdk.out", ".git", "__pycache__", ".ws"}
_IGNORED_FILES = {"stack.yaml"}  # ws's own settings: wired in by ws, not read by the app


def is_cdk_app(folder: Path, declared_type: str | None) -> bool:
    """`type: cdk` in stack.yaml, or a cdk.json and no explicit other type."""
    if declared_type is not None:
        return declared_type == "cdk"
    return (folder / CDK_FILE).is_file()


def source_digest(folder: Path) -> str:
    """sha256 over the app's files by relative path and content, without node_modules, cdk.out
    and hidden folders: the same source gives the same digest wherever it is checked out."""
    total = hashlib.sha256()
    for path in sorted(_source_files(folder)):
        rel = path.relative_to(folder).as_posix()
        total.update(rel.encode() + b"\0" + hashlib.sha256(path.read_bytes()).digest())
    return total.hexdigest()


def _source_files(folder: Path) -> list[Path]:
    found = []
    for top, dirs, files in os.walk(folder):
        dirs[:] = [d for d in dirs if d not in _SKIPPED and not d.startswith(".")]
        found += [Path(top) / f for f in files if f not in _IGNORED_FILES or Path(top) != folder]
    return [p for p in found if p.is_file()]
