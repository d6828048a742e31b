"""Functions whose handler file is not in their code folder (a .gitignore rule such as '*.js'
can keep it out of a repository): Lambda takes such code and fails every invoke with
Runtime.ImportModuleError, so ws validate warns. Code a build makes (esbuild, a makefile) and
runtimes other than Node.js and Python are not looked at."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from ws.config.workspace import Workspace
from ws.errors import ConfigError
from ws.lint.cfnlint import Finding
from ws.package.artifacts import line_of_value
from ws.package.code import CodeFolder
from ws.package.nested import Inventory, stack_inventory

NODE_FILES = (".js", ".mjs", ".cjs")


def warnings(ws: Workspace, stacks: list[str]) -> list[Finding]:
    """A warning for each Node.js or Python function whose handler file is missing."""
    found = []
    for name in stacks:
        try:
            found += _in(stack_inventory(ws.stacks[name], ws.root))
        except ConfigError:  # its local files are wrong: ws.lint.localpaths says so
            continue
    return found


def _in(inventory: Inventory) -> list[Finding]:
    found = [w for c in inventory.code if (w := _missing(inventory, c)) is not None]
    for _, child in inventory.nested:
        found += _in(child)
    return found


def _missing(inventory: Inventory, code: CodeFolder) -> Finding | None:
    handler = _handler(inventory.template.body, code.logical_id)
    files = expected_files(str(code.runtime or ""), handler)
    if code.layer or code.build_method or not files or not code.path.is_dir() or \
            any((code.path / f).is_file() for f in files):
        return None
    template = inventory.template
    where = code.path.relative_to(template.path.parent.resolve()) \
        if code.path.is_relative_to(template.path.parent.resolve()) else code.path
    return Finding(template.display, line_of_value(template.path, handler) or 1, "WS004",
                   "warning", f"{code.logical_id}: handler {handler}, but its code folder "
                   f"{where}/ has no {', '.join(files[:-1])} or {files[-1]}: Lambda would fail "
                   "every invoke with Runtime.ImportModuleError (add the file, or a build that "
                   "makes it)")


def expected_files(runtime: str, handler: str) -> tuple[str, ...]:
    """The files a handler names, one of which Lambda loads (none for other runtimes)."""
    module = handler.rsplit(".", 1)[0] if "." in handler else ""
    if not module:
        return ()
    if runtime.startswith("nodejs"):
        return tuple(module + suffix for suffix in NODE_FILES)
    if runtime.startswith("python"):
        path = module.replace(".", "/")
        return (f"{path}.py", f"{path}/__init__.py")
    return ()


def _handler(body: dict[str, Any], logical_id: str) -> str:
    props = (body.get("Resources") or {}).get(logical_id, {}).get("Properties") or {}
    globals_fn = (body.get("Globals") or {}).get("Function") or {}
    handler = props.get("Handler", globals_fn.get("Handler"))
    return handler if isinstance(handler, str) else ""
