"""A project's own build step, as bench_corpus.py adopts it: a Makefile `build:` target that
makes the template to deploy becomes the stack's before_deploy target."""
from __future__ import annotations

import re
from pathlib import Path


def project_build(folder: Path, root: Path) -> dict:
    """stack.yaml keys for a folder whose Makefile's `build:` target makes the template to
    deploy (build/template.yaml): ws runs `make build` before it deploys (cached, build/ its
    output; `make clean build` where there is a `clean:`, so that what it makes depends on its
    inputs only), and deploys build/template.yaml when
    that recipe, or a script of the repository it runs, writes a template.yaml."""
    makefile = folder / "Makefile"
    text = makefile.read_text(errors="replace") if makefile.is_file() else ""
    recipe = make_recipe(text, "build")
    if recipe is None:
        return {}
    command = "make clean build" if make_recipe(text, "clean") is not None else "make build"
    found: dict = {"before_deploy": ["build"],  # from clean: the cache replays outputs by
                   "targets": {"build": {"command": command, "outputs": ["build/**"]}}}  # inputs
    if any("template.yaml" in text for text in [recipe, *scripts_run(recipe, folder, root)]):
        found["template"] = "build/template.yaml"
        return found
    return {}  # the template is usable as it is: the project's build is not ws's to run


def make_recipe(text: str, target: str) -> str | None:
    """The recipe lines (tab-indented) of `target:` in a Makefile, or None without one."""
    lines = text.splitlines()
    start = next((i for i, ln in enumerate(lines) if re.match(rf"{target}\s*:(?!=)", ln)), None)
    if start is None:
        return None
    recipe = []
    for line in lines[start + 1:]:
        if not line.startswith("\t") and line.strip() and not line.startswith(" "):
            break
        recipe.append(line)
    return "\n".join(recipe)


def scripts_run(recipe: str, folder: Path, root: Path) -> list[str]:
    """The text of each file of the repository the recipe names (`${ROOT}/tools/build`)."""
    texts = []
    for word in re.findall(r"[^\s;&|@]+", recipe.replace("$(ROOT)", "${ROOT}")):
        path = Path(word.replace("${ROOT}", str(root)).replace("${SERVICE}", folder.name))
        path = path if path.is_absolute() else folder / path
        if path.is_file() and path.resolve().is_relative_to(root.resolve()):
            texts.append(path.read_text(errors="replace"))
    return texts
