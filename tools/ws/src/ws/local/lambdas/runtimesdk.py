"""The local LAMBDA_RUNTIME_DIR: a folder holding only what a Python runtime offers besides the
function's code and layers, the AWS SDK (boto3 and what it needs, linked from ws's own
environment). Nothing of ws's is in it, so a function that puts it on its path, as the Lambda
Web Adapter's samples do (`PYTHONPATH=$PYTHONPATH:$LAMBDA_RUNTIME_DIR`), imports no ws module
and none of its own modules is shadowed by one."""
from __future__ import annotations

import os
import re
import shutil
import tempfile
from importlib import metadata
from pathlib import Path

SDK = "boto3"
FOLDER = "_runtime"  # beside the functions' code folders
_NAME = re.compile(r"[A-Za-z0-9._-]+")


def runtime_dir(task_root: Path) -> Path:
    """Where LAMBDA_RUNTIME_DIR is for a function whose code is in `task_root` (made by
    `ensure`)."""
    return task_root.parents[1] / FOLDER


def ensure(folder: Path) -> Path:
    """`folder` holding the SDK's top-level packages and their metadata, made once (whole or
    not at all)."""
    if folder.is_dir():
        return folder
    folder.parent.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(dir=folder.parent, prefix=f".{FOLDER}-"))
    for source in sdk_files():
        os.symlink(source, scratch / source.name)
    try:
        os.rename(scratch, folder)
    except OSError:
        shutil.rmtree(scratch)  # another worker made it a moment ago
    return folder


def sdk_files() -> list[Path]:
    """The top-level files and folders of boto3 and of the distributions it requires."""
    found: set[Path] = set()
    for dist in _closure(SDK):
        for file in dist.files or ():
            top = file.parts[0]
            if top.endswith(".pth") or top == ".." or top == "__pycache__":
                continue
            path = Path(str(dist.locate_file(top)))
            if path.exists():
                found.add(path)
    return sorted(found)


def _closure(name: str) -> list[metadata.Distribution]:
    """`name`'s distribution and those it requires, recursively (extras left out)."""
    seen: dict[str, metadata.Distribution] = {}
    pending = [name]
    while pending:
        wanted = pending.pop()
        key = wanted.lower().replace("_", "-")
        if key in seen:
            continue
        try:
            dist = metadata.distribution(wanted)
        except metadata.PackageNotFoundError:
            continue
        seen[key] = dist
        for requirement in dist.requires or ():
            if "extra ==" not in requirement and (match := _NAME.match(requirement)):
                pending.append(match[0])
    return list(seen.values())
