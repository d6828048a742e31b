"""The program a function's build needs, known before building (as sam build's workflows choose
it: java by its manifest, Gradle's wrapper counting; dotnet; go; ruby; cargo-lambda; make), and
whether it is on PATH, so a missing one is named instead of the builder's raw error."""
from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from ws.package.builds.recipes import MAKEFILE, SAM, Recipe
from ws.package.code import CodeFolder

Which = Callable[[str], "str | None"]


@dataclass(frozen=True)
class Tool:
    """A program a build runs, and what to install to have it."""

    program: str
    install: str
    also: tuple[str, ...] = ()  # other programs that do as well (gradlew for gradle)


MAVEN = Tool("mvn", "Maven (apt-get install maven, or brew install maven)")
GRADLE = Tool("gradle", "Gradle, or add the Gradle wrapper (gradlew) to the project",
              ("gradlew",))
DOTNET = Tool("dotnet", "the .NET SDK of the runtime's version (dotnet.microsoft.com)")
GO = Tool("go", "Go (apt-get install golang, or go.dev/dl)")
BUNDLER = Tool("bundle", "Ruby and Bundler of the runtime's version")
CARGO_LAMBDA = Tool("cargo-lambda", "Rust and cargo-lambda (cargo install cargo-lambda)")
MAKE = Tool("make", "make (apt-get install make)")
_BY_METHOD = {"dotnet": DOTNET, "dotnet7": DOTNET, "go1.x": GO, "rust-cargolambda": CARGO_LAMBDA}
_BY_PREFIX = (("dotnet", DOTNET), ("go1", GO), ("ruby", BUNDLER))


def needed(folder: CodeFolder, plan: Recipe) -> Tool | None:
    """The tool that builds `folder`; None when ws builds it itself or sam's workflow is not
    known here (sam then says what is wrong)."""
    if plan.kind == MAKEFILE:
        return MAKE
    if plan.kind != SAM:
        return None
    language = folder.build_method or folder.runtime or ""
    if language in _BY_METHOD:
        return _BY_METHOD[language]
    if language.startswith("java"):
        return _java(_search(folder))
    return next((tool for prefix, tool in _BY_PREFIX if language.startswith(prefix)), None)


def _search(folder: CodeFolder) -> list[Path]:
    """Where sam looks for the manifest: the code folder, then the template's folder."""
    return [folder.path, *([folder.stack_dir] if folder.stack_dir else [])]


def _java(dirs: list[Path]) -> Tool | None:
    """Gradle when build.gradle(.kts) is in the code or the template folder, else Maven for a
    pom.xml (sam's order)."""
    for name in ("build.gradle", "build.gradle.kts", "pom.xml"):
        if any((d / name).is_file() for d in dirs):
            return MAVEN if name == "pom.xml" else GRADLE
    return None


def missing(folder: CodeFolder, plan: Recipe, which: Which = shutil.which) -> Tool | None:
    """The tool `folder`'s build needs and cannot find (Gradle's wrapper is looked for in the
    code and template folders, as sam does), or None."""
    tool = needed(folder, plan)
    if tool is None or which(tool.program):
        return None
    if any(os.access(d / name, os.X_OK) for name in tool.also for d in _search(folder)):
        return None
    return tool
