"""What building a code folder means, decided from its template alone (pure): which builder,
where the code and the dependencies go in the zip, as `sam build` lays them out."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ws.package.code import CodeFolder

PYTHON, NODE, ESBUILD, MAKEFILE, SAM, NONE = "python", "node", "esbuild", "makefile", "sam", None
_SAM_RUNTIMES = ("java", "go", "dotnet", "ruby")


@dataclass(frozen=True)
class Recipe:
    """How one code folder is built and laid out in its zip."""

    kind: str | None  # None: zipped as it is
    runtime: str | None
    code_prefix: str = ""  # where the folder's own files go
    deps_prefix: str = ""  # where the installed dependencies go


def recipe(folder: CodeFolder) -> Recipe:
    """The recipe for a function or layer: its BuildMethod if any, else its runtime."""
    method, runtime = folder.build_method, folder.runtime or ""
    if method in (MAKEFILE, ESBUILD):
        return Recipe(method, folder.runtime)
    if folder.layer and not method:
        return Recipe(NONE, folder.runtime)  # sam builds a layer only when told how
    language = method or runtime
    if language.startswith("python"):
        if folder.layer:
            return Recipe(PYTHON, language, "python/", "python/")
        return Recipe(PYTHON if has_requirements(folder.path) else NONE, language)
    if language.startswith("nodejs"):
        if folder.layer:
            return Recipe(NODE, language, "nodejs/", "nodejs/node_modules/")
        built = (folder.path / "package.json").is_file()
        return Recipe(NODE if built else NONE, language, "", "node_modules/")
    if method or language.startswith(_SAM_RUNTIMES):
        return Recipe(SAM, language)
    return Recipe(NONE, folder.runtime)  # provided.*: a prebuilt bootstrap, zipped as it is


def has_requirements(folder: Path) -> bool:
    """True when the folder has a requirements.txt with at least one requirement."""
    reqs = folder / "requirements.txt"
    if not reqs.is_file():
        return False
    lines = (line.split("#", 1)[0].strip() for line in reqs.read_text().splitlines())
    return any(lines)
