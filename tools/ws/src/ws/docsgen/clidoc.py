"""The command reference: every command and option, from the click definitions."""
from __future__ import annotations

import inspect
from typing import Iterator

import click

from ws.docsgen.fieldsdoc import GENERATED, cell

PAGE = "docs/reference/cli.md"


def commands(ctx: click.Context) -> Iterator[click.Context]:
    """The context of every visible command under `ctx`, depth first, by name."""
    yield ctx
    command = ctx.command
    if isinstance(command, click.Group):
        for name in command.list_commands(ctx):
            sub = command.get_command(ctx, name)
            if sub is not None and not sub.hidden:
                yield from commands(click.Context(sub, info_name=name, parent=ctx))


def section(ctx: click.Context) -> list[str]:
    command = ctx.command
    path = ctx.command_path
    usage = " ".join([path, *command.collect_usage_pieces(ctx)])
    text = inspect.cleandoc(command.help or "").replace("\b\n", "")
    lines = [f"## `{path}`", "", text, "", "```text", usage, "```", ""]
    options = [p for p in command.get_params(ctx)
               if isinstance(p, click.Option) and not p.hidden and p.name != "help"]
    if options:
        lines += ["| option | what it does |", "|---|---|"]
        for option in options:
            record = option.get_help_record(ctx)
            if record:
                names, help_text = record
                lines.append(f"| `{names}` | {cell(escape(help_text))} |")
        lines.append("")
    if isinstance(command, click.Group):
        subs = [c.command_path for c in commands(ctx)][1:]
        direct = [s for s in subs if s.count(" ") == path.count(" ") + 1]
        lines += ["Commands: " + ", ".join(f"[`{s}`](#{anchor(s)})" for s in direct) + ".", ""]
    return lines


def escape(text: str) -> str:
    return text.replace("<", "&lt;").replace(">", "&gt;")


def anchor(path: str) -> str:
    """The id MkDocs gives the heading `## \\`path\\``."""
    return path.replace(" ", "-")


def page(cli: click.Group) -> str:
    root = click.Context(cli, info_name="ws")
    lines = [GENERATED, "", "# Commands", "",
             "Every `ws` command and option. Global options go before the command: "
             "`ws -v deploy --env local`. `tools/dev COMMAND` runs `ws COMMAND` in the "
             "repository's virtualenv; `tools/dev deploy` is `ws deploy --env local`.", ""]
    for ctx in commands(root):
        lines += section(ctx)
    return "\n".join(lines).rstrip("\n") + "\n"
