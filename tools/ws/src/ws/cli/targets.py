"""`ws run TARGET...`: parse options, call ws.api.run_targets, print each task as it ends."""
from __future__ import annotations

import os
from pathlib import Path

import click

from ws.cli.options import Settings, junit_option, stacks_option
from ws.cli.outputfiles import check_writable, write_output
from ws.errors import EXIT_FAILED, EXIT_INTERRUPTED
from ws.lazy import lazy

api = lazy("ws.api")
selections = lazy("ws.graph.selection")
taskrun = lazy("ws.tasks.run")
render = lazy("ws.tasks.render")


@click.command(name="run")
@click.argument("targets", nargs=-1, required=True)
@stacks_option
@click.option("--since", metavar="REF",
              help="Stacks changed since git REF, and everything downstream.")
@click.option("--env", "-e", "env_name", default=None, metavar="ENV",
              help="Whose stack graph (default: local's); an AWS environment also shares the "
                   "cache through its artifact bucket (run-cache/).")
@click.option("--parallel", type=click.IntRange(1, 256), default=None, metavar="N",
              help="Targets run at once (default: one per CPU core).")
@click.option("--fail-fast", is_flag=True, help="Start no new target after a failure.")
@click.option("--no-cache", "no_cache", is_flag=True,
              help="Run every target, even one whose inputs are unchanged.")
@junit_option
@click.pass_obj
def run_command(settings: Settings, targets: tuple[str, ...], stacks: tuple[str, ...] | None,
                allow_empty: bool, since: str | None, env_name: str | None,
                parallel: int | None,
                fail_fast: bool, no_cache: bool, junit_file: Path | None) -> None:
    """Run each selected stack's TARGETs (as stack.yaml and workspace.yaml declare them), each
    once what it depends on is done; unchanged inputs replay the cached result."""
    check_writable(junit_file)
    github = os.environ.get("GITHUB_ACTIONS") == "true"

    def show(result: object) -> None:
        for line in render.task_lines(result, github, show_output=not settings.quiet):
            click.echo(line)
    report = api.run_targets(
        settings.start, targets, selections.Selection(stacks, since),
        taskrun.RunOptions(parallel or 0, fail_fast, not no_cache),
        taskrun.TaskObserver(on_finish=show), env_name)
    for note in report.notes:
        click.echo(f"note: {note}", err=True)
    click.echo(report.summary())
    if junit_file is not None:
        write_output(junit_file, render.junit(report))
    if report.interrupted:
        raise click.exceptions.Exit(EXIT_INTERRUPTED)
    if not report.ok:
        raise click.exceptions.Exit(EXIT_FAILED)
