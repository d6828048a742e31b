"""A template's local artifacts, nested templates' included, found and checked in one walk."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ws.config.stack import Stack
from ws.config.templates import Template, load_template
from ws.errors import ConfigError
from ws.package.artifacts import HINT, TEMPLATE, LocalFile, line_of_value, local_files, relative
from ws.package.code import CodeFolder, code_folders
from ws.package.sizes import check_sizes, unzipped_size


@dataclass(frozen=True)
class Inventory:
    """What a template packages: code, files, and nested templates with their own."""

    template: Template
    base: Path  # the folder its paths are relative to
    code: list[CodeFolder]
    files: list[LocalFile]  # definitions and includes, not nested templates
    nested: list[tuple[LocalFile, Inventory]]

    @property
    def has_artifacts(self) -> bool:
        """Anything besides code (code keeps its own part of the fingerprint)."""
        return bool(self.files or self.nested)


def inventory(template: Template, base: Path, root: Path, sizes: bool = False,
              chain: tuple[Path, ...] = (), home: Path | None = None) -> Inventory:
    """Every local artifact of `template` (paths relative to `base`, inside `root`), nested
    templates walked too. A missing path or one outside the workspace is a ConfigError; with
    `sizes`, code folders are walked (by stat) too: a link out of one, or code over Lambda's
    limit, is one as well."""
    body, display = template.body, template.display
    code = code_folders(body, base, display, root, template.path, home)
    if sizes:
        check_sizes(body, {c.logical_id: unzipped_size(c.path) for c in code}, display,
                    template.path)
    found = local_files(body, base, root, display, template.path)
    nested = []
    for item in (f for f in found if f.form == TEMPLATE):
        real = item.path.resolve()
        if real in chain or real == template.path.resolve():
            raise ConfigError(f"{item.keys[1]}: {item.value!r} nests a template that "
                              "contains it", HINT, path=display,
                              line=line_of_value(template.path, item.value))
        child = load_template(item.path, relative(item.path, root))
        nested.append((item, inventory(child, item.path.parent, root, sizes,
                                       (*chain, template.path.resolve()))))
    return Inventory(template, base, code, [f for f in found if f.form != TEMPLATE], nested)


def stack_inventory(stack: Stack, root: Path, sizes: bool = False) -> Inventory:
    """A workspace stack's: paths relative to its template's folder (build/ for a template a
    build makes), a requirements file's also read from the stack folder."""
    return inventory(stack.template, stack.base(root), root, sizes, home=root / stack.rel_dir)
