"""What decides a build's toolchain, found cheaply (nothing is run): the programs the build runs
as PATH finds them (real path, size and mtime: installing or upgrading one changes them) and
the variables that choose them. Part of a remembered failure's key (builds/failures.py)."""
from __future__ import annotations

import os
import sys
from importlib import metadata
from pathlib import Path

from ws.package.builds import toolchains
from ws.package.builds.recipes import ESBUILD, MAKEFILE, NODE, PYTHON, SAM, Recipe
from ws.package.builds.toolchains import Which
from ws.package.code import CodeFolder

_BY_KIND = {NODE: ("npm", "node"), ESBUILD: ("npm", "node"), MAKEFILE: ("make",),
            SAM: ("sam",)}
_BY_LANGUAGE = (("java", ("java",)), ("ruby", ("ruby",)), ("go", ("go",)),
                ("rust", ("cargo",)))
_VARIABLES = ("PATH", "JAVA_HOME")


def toolchain(folder: CodeFolder, plan: Recipe, which: Which) -> list:
    """The identity of the tools building `folder` runs, and of the variables choosing them."""
    found = [[name, identity(_find(name, which))] for name in programs(folder, plan)]
    found += [[path.name, identity(str(path))] for path in _wrappers(folder, plan)]
    if plan.kind == PYTHON:  # pip runs as `python -m pip` on ws's own interpreter
        found += [["python", identity(sys.executable)], ["pip", _version("pip")]]
    return [found, [[v, os.environ.get(v)] for v in _VARIABLES]]


def programs(folder: CodeFolder, plan: Recipe) -> list[str]:
    """The programs on PATH the build runs, as far as ws can tell before running it."""
    names = list(_BY_KIND.get(plan.kind or "", ()))
    tool = toolchains.needed(folder, plan)
    if tool is not None:
        names += [tool.program, *tool.also]
    language = folder.build_method or folder.runtime or ""
    names += [n for prefix, extra in _BY_LANGUAGE if language.startswith(prefix) for n in extra]
    return sorted(set(names))


def _wrappers(folder: CodeFolder, plan: Recipe) -> list[Path]:
    """A build tool's wrapper beside the code (gradlew), which sam runs instead of the tool."""
    tool = toolchains.needed(folder, plan)
    dirs = [folder.path, *([folder.stack_dir] if folder.stack_dir else [])]
    return [d / n for n in (tool.also if tool else ()) for d in dirs if (d / n).is_file()]


def _find(name: str, which: Which) -> str | None:
    """Where the build finds `name` (sam: beside ws's Python first, as samcli.sam_command)."""
    beside = Path(sys.executable).with_name(name)
    return str(beside) if name == "sam" and beside.exists() else which(name)


def identity(found: str | None) -> list | None:
    """A program's real path, size and mtime (None: not there)."""
    if not found:
        return None
    real = os.path.realpath(found)
    try:
        stat = os.stat(real)
    except OSError:
        return None
    return [real, stat.st_size, stat.st_mtime_ns]


def _version(distribution: str) -> str | None:
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return None
