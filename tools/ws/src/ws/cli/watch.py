"""`ws watch`: deploy what changed on every save (the loop: ws.engine.watch)."""
from __future__ import annotations

import time

import click

from ws.cli.options import Settings, env_option, selection_options
from ws.lazy import lazy

api = lazy("ws.api")
selections = lazy("ws.graph.selection")


@click.command("watch")
@env_option
@selection_options
@click.pass_obj
def watch_command(settings: Settings, env_name: str, owner: str | None,
                  stacks: tuple[str, ...] | None, allow_empty: bool, since: str | None,
                  with_dependencies: bool) -> None:
    """Watch the stacks' files and deploy what changed when edits settle: hotswap where it
    can, the rest through CloudFormation (or the local endpoint). Ctrl-C ends it."""
    try:
        api.watch(settings.start, env_name, selections.Selection(stacks, since, with_dependencies),
                  lambda line: click.echo(f"{time.strftime('%H:%M:%S')} {line}"), owner)
    except KeyboardInterrupt:
        click.echo("stopped watching", err=True)
