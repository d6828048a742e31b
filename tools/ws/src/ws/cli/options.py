"""Options and settings shared by the ws commands."""
from __future__ import annotations

import os
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator

import click

from ws.cli.prog import default_env


@dataclass(frozen=True)
class Settings:
    """Global options, passed to every command."""

    start: Path
    debug: bool
    quiet: bool = False


def _split(ctx: click.Context, param: click.Parameter,
           value: str | None) -> tuple[str, ...] | None:
    """Comma-separated names; none at all (`--stacks ' , '`, an empty CI variable) is an error
    unless --allow-empty says an empty selection is meant."""
    if value is None:
        return None
    names = tuple(s.strip() for s in value.split(",") if s.strip())
    if not names and not ctx.params.get("allow_empty"):
        raise click.BadParameter("names no stack (pass --allow-empty if nothing is meant)")
    return names


owner_option = click.option("--owner", metavar="NAME",
                            help="Per-developer environments: whose stacks (default: you, "
                                 "from git user.name or the OS user).")


@contextmanager
def _variables(values: dict[str, str]) -> Iterator[None]:
    """Set environment variables for one command, then put back what was there."""
    before = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in before.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def _as_variables(*names: str) -> Callable:
    """A flag that means what its AWS variables mean (and beats them), for this command."""
    def callback(ctx: click.Context, param: click.Parameter, value: str | None) -> None:
        if value:
            ctx.with_resource(_variables(dict.fromkeys(names, value)))
    return callback


profile_option = click.option(
    "--profile", metavar="NAME", expose_value=False, callback=_as_variables("AWS_PROFILE"),
    help="AWS profile, over AWS_PROFILE and the environment file's (account_id still checked).")
region_option = click.option(
    "--region", metavar="REGION", expose_value=False,
    callback=_as_variables("AWS_REGION", "AWS_DEFAULT_REGION"),
    help="AWS region, over AWS_REGION/AWS_DEFAULT_REGION and the environment file's.")


def env_option(command: Callable) -> Callable:
    """--env (required unless a wrapper supplies it: WS_DEFAULT_ENV), --owner, and
    --profile/--region for AWS environments."""
    command = region_option(profile_option(owner_option(command)))
    default = default_env()
    return click.option("--env", "-e", "env_name", required=default is None, default=default,
                        show_default=default is not None, metavar="ENV",
                        help="Environment: a file environments/ENV.yaml.")(command)

def stacks_option(command: Callable) -> Callable:
    """--stacks A,B and --allow-empty."""
    command = click.option("--stacks", callback=_split, metavar="A,B",
                           help="Only these stacks (comma-separated).")(command)
    return click.option("--allow-empty", is_flag=True, is_eager=True,
                        help="Accept a --stacks that names no stack (then nothing is done).")(
        command)


junit_option = click.option("--junit", "junit_file", type=click.Path(dir_okay=False, path_type=Path),
                            help="Write JUnit XML here: a test case per stack.")
lock_timeout_option = click.option(
    "--lock-timeout", type=click.FloatRange(0), default=600, show_default=True, metavar="SECONDS",
    help="Wait this long for another run's lock on the environment, then fail (exit 3).")


def selection_options(command: Callable) -> Callable:
    """--stacks, --since and --with-dependencies, shared by deploy and plan."""
    command = click.option("--with-dependencies", is_flag=True,
                           help="Also upstream stacks not yet deployed here.")(command)
    command = click.option("--since", metavar="REF",
                           help="Stacks changed since git REF, and everything downstream.")(command)
    return stacks_option(command)
