"""Files outside a code folder that its build reads (`-r ../common.txt`, `../shared/lib`,
`file:../lib`): part of what decides whether the function changed."""
from __future__ import annotations

from pathlib import Path

from ws.package.builds import node
from ws.package.builds.recipes import ESBUILD, NODE, PYTHON, recipe
from ws.package.builds.requirements import read_requirements
from ws.package.code import CodeFolder


def outside_inputs(folder: CodeFolder) -> list[Path]:
    """The files and folders outside `folder.path` that building it reads, in a stable order."""
    kind = recipe(folder).kind
    found: list[Path] = []
    if kind == PYTHON and (folder.path / "requirements.txt").is_file():
        reqs = read_requirements(folder.path / "requirements.txt", also=folder.stack_dir)
        found = [*reqs.files, *reqs.local]
    elif kind in (NODE, ESBUILD) and (folder.path / "package.json").is_file():
        found = node.local_packages(folder.path)
    inside = folder.path.resolve()
    return sorted({p for p in found if not p.is_relative_to(inside)})
