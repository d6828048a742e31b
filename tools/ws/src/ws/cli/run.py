"""How the CLI shows a deploy or destroy run: a live table on a terminal, prefixed lines in CI
(collapsible groups and a job summary in GitHub Actions), the summary, report files."""
from __future__ import annotations

import json
import os
import sys
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Sequence

import click

from ws.cli import lifetime
from ws.cli.openurls import open_block, open_urls
from ws.cli.outputfiles import append_output, write_output
from ws.cli.prog import named
from ws.errors import UsageError
from ws.lazy import lazy

if TYPE_CHECKING:
    from rich.console import Console

    from ws.engine.plan import Plan
    from ws.engine.request import Observer
    from ws.engine.results import RunReport

live = lazy("ws.cli.live")  # rich, and the engine's types: loaded by the commands that run
requests = lazy("ws.engine.request")
render = lazy("ws.report.console")
ci = lazy("ws.report.ci")
html = lazy("ws.report.html")
consoles = lazy("ws.cli.consoles")


def in_github_actions() -> bool:
    return os.environ.get("GITHUB_ACTIONS") == "true"


def write_job_summary(markdown: str) -> None:
    """Append to the GitHub Actions job summary, when there is one."""
    path = os.environ.get("GITHUB_STEP_SUMMARY")
    if path:
        append_output(path, markdown + "\n", "the job summary")


def confirm(question: str, yes: bool, what: str) -> None:
    """Ask on a terminal; elsewhere --yes is required."""
    if yes:
        return
    if not interactive():
        raise UsageError(f"{what} needs confirmation: run on a terminal or add --yes")
    click.confirm(question, abort=True)


def interactive() -> bool:
    """Is someone at a terminal to answer a question?"""
    return sys.stdin.isatty()


def lock_wait(what: str) -> None:
    """Say which lock a run waits for, and whose it is."""
    click.echo(f"waiting for the environment's lock {what}", err=True)


def lock_take_over(what: str) -> None:
    """Say whose locks a run takes over, and why (one line per dead run)."""
    click.echo(f"taking over the locks of {what}", err=True)


def observed(console: Console, action: Callable[[Observer], RunReport],
             confirm_plan: Callable[[Plan], None] | None = None,
             quiet: bool = False) -> RunReport:
    """Run with a live table on a terminal, or plain `stack | message` lines (CI, pipes);
    in GitHub Actions each stack's lines are a collapsible group. With `quiet`, nothing per
    stack: the summary only. `confirm_plan` sees the plan before it runs (protected envs)."""
    def interrupted(running: int) -> None:
        click.echo(f"interrupted: starting no more stacks, waiting for {running} running; "
                   "press Ctrl-C again to stop waiting", err=True)

    base = requests.Observer(on_interrupt=interrupted, on_lock_wait=lock_wait,
                             on_lock_take_over=lock_take_over,
                             confirm=confirm_plan or (lambda plan: None))
    if quiet:
        return action(base)
    if in_github_actions():
        on_event, on_finish = render.grouped_printers(console)
        return action(replace(base, on_event=on_event, on_finish=on_finish,
                              on_progress=render.progress_printer(console)))
    if not consoles.interactive(console):
        return action(replace(base, on_event=render.event_printer(console),
                              on_finish=render.finish_printer(console),
                              on_progress=render.progress_printer(console)))
    view = live.LiveView(console, [])
    try:  # the table starts when the plan starts running (after any question)
        return action(replace(base, on_event=view.on_event, on_finish=view.on_finish,
                              on_execute=lambda plan: view.start(),
                              on_progress=view.on_progress))
    finally:
        view.stop()


CHANGED = "changed"  # finish(show_outputs=CHANGED): the URLs to open, no outputs table


def finish(console: Console, report: RunReport, report_file: Path | None,
           show_outputs: bool | str,
           junit_file: Path | None = None, debug: bool = False,
           links: Callable[[dict], Sequence[Any]] = lambda shown: ()) -> None:
    """Print the summary, then with `show_outputs` the sites and APIs to open (`links(outputs)`:
    their local URLs, asked only then), and the table of every output unless
    `show_outputs=CHANGED` (so a 50-stack run ends on its summary and what to open); write the
    requested files, exit with the run's code. With `debug`, the traceback of every bug a stack hit goes
    to stderr."""
    if debug:
        for stack in report.stacks:
            if stack.traceback:
                click.echo(f"{stack.stack}: {stack.traceback}", err=True)
    try:
        _print_summary(console, report, show_outputs, links)
    except BrokenPipeError:  # stdout closed (`ws deploy | head -1`): files and exit code stand
        lifetime.stdout_closed()
    if report_file:
        _write_report(report, report_file)
    if junit_file:
        write_output(junit_file, ci.junit(report))
    write_job_summary(ci.markdown_report(report))
    for line in render.failures(report):
        click.echo(f"failed: {line}", err=True)
    if report.error:
        click.echo(f"failed: {report.error}", err=True)
    if report.interrupted:
        # Everything is written: end now. A worker still inside an AWS call it was abandoned
        # in would otherwise keep the process alive until that call returns.
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except OSError:  # a closed pipe: nothing to keep
                continue
        os._exit(report.exit_code)
    sys.exit(report.exit_code)


def _print_summary(console: Console, report: RunReport, show_outputs: bool | str,
                   links: Callable[[dict], Sequence[Any]]) -> None:
    console.print(render.summary(report))
    shown = report_outputs(report)
    if not show_outputs or not shown:
        return
    served = links(shown)
    if show_outputs != CHANGED:
        console.print(render.outputs_table(shown, served))
    block = open_block(open_urls(shown, served))
    if block:
        click.echo(block)
    if show_outputs == CHANGED:
        click.echo(named(f"every output: ws deploy --outputs, or ws outputs --env {report.env}"))


def report_outputs(report: RunReport,
                   changed_only: bool = False) -> dict[str, dict[str, str] | None]:
    """The outputs of the run's stacks that have some (only of those it deployed)."""
    return {s.stack: s.outputs for s in report.stacks
            if s.outputs and (s.status == "deployed" or not changed_only)}


def _write_report(report: RunReport, path: Path) -> None:
    """FILE.html: the timeline page; anything else: the JSON run report."""
    if path.suffix.lower() in (".html", ".htm"):
        write_output(path, html.render_html(report))
    else:
        write_output(path, json.dumps(report.to_dict(), indent=2))


