"""Fn::ImportValue names written for another naming (stack.yaml `import_prefixes`): checked
against the workspace, and rewritten to the names the exporting stacks have here."""
from __future__ import annotations

from typing import Any

from ws.config import fields as schema
from ws.config.stack import Stack
from ws.config.templates import static_value
from ws.errors import ConfigError

FIELD = "import_prefixes"


def check_prefixes(stack: Stack, stacks: dict[str, Stack]) -> None:
    """Each prefix names a stack of the workspace, not the stack itself."""
    for prefix, target in stack.import_prefixes.items():
        if target not in stacks or target == stack.name:
            what = "the stack itself" if target == stack.name else f"unknown stack {target!r}"
            raise ConfigError(f"{FIELD}: {prefix!r} names {what}",
                              "name the workspace stack whose exports these imports mean; "
                              f"known stacks: {', '.join(sorted(set(stacks) - {stack.name}))}",
                              path=stack.config_file, line=prefix_line(stack, prefix))


def prefix_line(stack: Stack, prefix: str) -> int | None:
    return schema.line_of(stack.lines.get(FIELD), prefix) or stack.line_of(FIELD)


def renamed(name: str, names: dict[str, str]) -> tuple[str, str] | None:
    """(prefix, `name` with it replaced by the stack name it stands for): the longest prefix
    `name` starts with, followed by its end or a character that is not a letter or digit
    (`app` does not match `apple-Arn`); None when none does."""
    found = [p for p in names if name.startswith(p)
             and (len(name) == len(p) or not name[len(p)].isalnum())]
    if not found:
        return None
    prefix = max(found, key=len)
    return prefix, names[prefix] + name[len(prefix):]


def rename_imports(body: Any, names: dict[str, str],
                   variables: dict[str, str]) -> tuple[Any, set[str]]:
    """A copy of `body` in which each Fn::ImportValue whose name is known from `variables`
    (a string, or a Sub/Join of known values) and starts with a prefix of `names` takes the
    renamed name, as a string; and the prefixes used."""
    used: set[str] = set()

    def walk(node: Any) -> Any:
        if isinstance(node, list):
            return [walk(item) for item in node]
        if not isinstance(node, dict):
            return node
        return {key: _renamed_import(value, walk) if key == "Fn::ImportValue" else walk(value)
                for key, value in node.items()}

    def _renamed_import(expr: Any, walk: Any) -> Any:
        name = static_value(expr, variables)
        found = renamed(name, names) if name is not None else None
        if found is None:
            return walk(expr)
        used.add(found[0])
        return found[1]

    return walk(body), used
