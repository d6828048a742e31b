"""`ws local invoke` and `ws local trigger`: run deployed code now (registered on `ws local`)."""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from ws.cli.options import Settings, env_option
from ws.config.yamlfile import read_text
from ws.errors import EXIT_FAILED
from ws.lazy import lazy

if TYPE_CHECKING:
    from ws.local.triggers import InvokeResult

localrun = lazy("ws.engine.localrun")  # boto3 and the endpoint: only for these commands
triggers = lazy("ws.local.triggers")


PAYLOAD_BYTES = 6 * 1024 * 1024  # Lambda's limit for a synchronous invoke's payload


def _read(path: str) -> str:
    """The payload file: UTF-8 text, not too large nor too deep (else a ConfigError naming it)."""
    return read_text(Path(path), path, PAYLOAD_BYTES, "Lambda takes payloads up to 6 MB")


def _print(result: InvokeResult, show_log: bool) -> None:
    if show_log and result.log:
        click.echo(result.log.rstrip("\n"), err=True)
    click.echo(result.payload)
    if result.error:
        click.echo(f"{result.function}: function error ({result.error})", err=True)


@click.command("invoke")
@env_option
@click.argument("target", metavar="STACK.LogicalId")
@click.option("--payload", metavar="JSON|@FILE", help="The event (default: {}).")
@click.option("--log", "show_log", is_flag=True, help="Print the invocation's log on stderr.")
@click.pass_obj
def invoke(settings: Settings, env_name: str, owner: str | None, target: str,
           payload: str | None, show_log: bool) -> None:
    """Invoke a deployed function and print its response (exit 1 on a function error)."""
    result = localrun.invoke_function(settings.start, env_name, target,
                                      triggers.payload_text(payload, _read), owner)
    _print(result, show_log)
    if result.error:
        raise SystemExit(EXIT_FAILED)


@click.command("trigger")
@env_option
@click.argument("target", metavar="STACK.LogicalId")
@click.option("--log", "show_log", is_flag=True, help="Print each invocation's log on stderr.")
@click.pass_obj
def trigger(settings: Settings, env_name: str, owner: str | None, target: str,
            show_log: bool) -> None:
    """Fire a scheduled rule's targets now, with a scheduled-event payload."""
    results = localrun.trigger_rule(settings.start, env_name, target, owner)
    for result in results:
        _print(result, show_log)
    if any(r.error for r in results):
        raise SystemExit(EXIT_FAILED)


def register(group: click.Group) -> None:
    """Add these commands to the `ws local` group."""
    group.add_command(invoke)
    group.add_command(trigger)

