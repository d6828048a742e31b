"""ws commands that look after environments and the local endpoint, not deploy them."""
from __future__ import annotations

import json
import time

import click

from ws.cli import local as clilocal
from ws.cli.options import Settings, env_option
from ws.cli.run import confirm
from ws.lazy import lazy

api = lazy("ws.adminapi")  # loaded by the command that runs, not by `ws --help`
render = lazy("ws.report.console")
consoles = lazy("ws.cli.consoles")


@click.command()
@env_option
@click.pass_obj
def bootstrap(settings: Settings, env_name: str, owner: str | None) -> None:
    """Make the artifact bucket and the lock table ready (idempotent)."""
    for line in api.bootstrap(settings.start, env_name, owner):
        click.echo(line)


@click.command()
@env_option
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@click.pass_obj
def unlock(settings: Settings, env_name: str, owner: str | None, yes: bool) -> None:
    """Break the environment's locks (when the run holding them is dead)."""
    prefix, holders = api.lock_holders(settings.start, env_name, owner)
    listed = time.monotonic()
    if not holders:
        click.echo(f"{prefix}* is not locked")
        return
    for key, holder in sorted(holders.items()):
        click.echo(f"{key} is locked by {holder.describe()}")
    confirm(f"break {len(holders)} lock(s)? (only if that run is dead)", yes, "ws unlock")
    wait = api.renewal_wait(holders, listed)
    if wait:
        click.echo(f"waiting {wait:.0f} s: a lock its run renews meanwhile is alive, and kept")
    broken, moved = api.unlock(settings.start, env_name,
                               {key: h.version for key, h in holders.items()}, owner, wait)
    click.echo(f"{len(broken)} lock(s) broken")
    for key in moved:
        click.echo(f"{key} not broken: it was renewed or released since it was shown, so its "
                   "run is alive (run ws unlock again to see it)", err=True)


@click.group("env")
def env_group() -> None:
    """Environments: what is deployed, and whose."""


@env_group.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_obj
def env_list(settings: Settings, as_json: bool) -> None:
    """Deployed environments and owners (from stack tags), stack counts, last deploy."""
    found, problems = api.env_list(settings.start)
    if as_json:
        click.echo(json.dumps({"environments": [e.as_dict() for e in found],
                               "unreadable": problems}, indent=2))
        return
    consoles.console().print(render.env_table(found))
    for problem in problems:
        click.echo(f"note: {problem}", err=True)


@click.group()
def local() -> None:
    """Manage the embedded local AWS endpoint (moto) of this workspace."""


@local.command("up")
@click.option("--port", type=click.IntRange(1, 65535), help="Port (default: a free one).")
@click.option("--schedules", is_flag=True,
              help="Fire scheduled rules (rate expressions) on their rate while it runs.")
@click.pass_obj
def local_up(settings: Settings, port: int | None, schedules: bool) -> None:
    """Start the local endpoint (no-op when it runs)."""
    info = api.local_up(settings.start, port, schedules)
    click.echo(f"local endpoint running at {info.url} (pid {info.pid})")


@local.command("down")
@click.pass_obj
def local_down(settings: Settings) -> None:
    """Stop the local endpoint; everything deployed to it is gone."""
    stopped = api.local_down(settings.start)
    click.echo("local endpoint stopped" if stopped else "local endpoint was not running")


@local.command("status")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_obj
def local_status(settings: Settings, as_json: bool) -> None:
    """Show whether the local endpoint runs, its URL, its server log, and the local URL of
    each served API and distribution output (stack, output, local URL)."""
    info = api.local_status(settings.start)
    links = api.local_endpoint_links(settings.start) if info else []
    log = api.local_log(settings.start)
    if as_json:
        data = {"running": info is not None, **(info.__dict__ if info else {}),
                **({"log": str(log)} if log else {}), "links": [link.as_dict() for link in links]}
        click.echo(json.dumps(data, indent=2))
    else:
        click.echo(f"running at {info.url} (pid {info.pid})" if info else "not running")
        if log:
            click.echo(f"server log: {log}")
        if links:
            consoles.console(200).print(render.links_table(links))


clilocal.register(local)  # ws local invoke, ws local trigger
