"""Turn reports into what a person reads on a terminal or in CI logs."""
from __future__ import annotations

import threading
import time
from typing import Any, Callable, Sequence

from rich.console import Console
from rich.table import Table
from rich.text import Text

from ws.engine.results import FAILED, INTERRUPTED, RunReport, StackReport
from ws.report.ci import workflow_command

_STYLE = {"deployed": "green", "unchanged": "cyan", "deleted": "green", "absent": "dim",
          "failed": "bold red", "blocked": "yellow", "not run": "yellow", "skipped": "dim",
          "interrupted": "bold yellow"}


def event_printer(console: Console) -> Callable[[str, str], None]:
    """A thread-safe printer of `stack | message` lines (plain text, no control codes in CI)."""
    lock = threading.Lock()

    def show(stack: str, message: str) -> None:
        with lock:
            console.print(f"{stack:>14} | {message}", markup=False, highlight=False)
    return show


def progress_printer(console: Console, every: float = 5.0,
                     clock: Callable[[], float] = time.monotonic) -> Callable[[Any], None]:
    """Plain `ws | 3 done, 2 running...` lines (CI, pipes), at most one each `every` s."""
    last = [float("-inf")]
    lock = threading.Lock()

    def show(progress: Any) -> None:
        with lock:
            if clock() - last[0] < every:
                return
            last[0] = clock()
        _plain(console, f"{'ws':>14} | {progress.line()}")
    return show


def finish_printer(console: Console) -> Callable[[StackReport], None]:
    show = event_printer(console)

    def finished(report: StackReport) -> None:
        detail = f": {report.reason}" if report.reason else ""
        show(report.stack, f"{report.status.upper()}{detail}")
    return finished


def grouped_printers(console: Console) -> tuple[Callable[[str, str], None],
                                                 Callable[[StackReport], None]]:
    """GitHub Actions: each stack's lines as one collapsible group, printed when it finishes
    (parallel stacks' lines would interleave inside a live group)."""
    lock = threading.Lock()
    buffered: dict[str, list[str]] = {}

    def event(stack: str, message: str) -> None:
        with lock:
            buffered.setdefault(stack, []).append(message)

    def finished(report: StackReport) -> None:
        detail = f": {report.reason}" if report.reason else ""
        with lock:
            lines = buffered.pop(report.stack, [])
            _plain(console, workflow_command("group", f"{report.stack}: {report.status}{detail}"))
            for line in lines:
                for part in str(line).splitlines() or [""]:  # no data line can start a command
                    _plain(console, f"{report.stack} | {part}")
            _plain(console, "::endgroup::")
            if report.status == FAILED:
                _plain(console, workflow_command("error", report.reason or "failed",
                                                 title=f"ws: {report.stack} failed"))
    return event, finished


def _plain(console: Console, line: str) -> None:
    console.print(line, markup=False, highlight=False, soft_wrap=True)


def cell(value: object, style: str = "") -> Text:
    """Data for a table cell, never read as rich markup (`[/x]` in a reason stays text)."""
    return Text("" if value is None else str(value), style=style)


UNCHANGED_ROWS = 5  # more unchanged stacks than this share one row of the summary


def summary(report: RunReport) -> Table:
    """A row per stack; unchanged stacks share one row when they are many (a --changed run
    over 50 stacks ends on what changed, not on 50 rows of nothing)."""
    table = Table(title=cell(f"ws {report.action} --env {report.env}: {report.duration_text()}"),
                  title_justify="left")
    for column in ("stack", "status", "time", "detail"):
        table.add_column(column, overflow="fold")
    unchanged = [s.stack for s in report.stacks if s.status == "unchanged" and not s.reason]
    together = len(unchanged) > UNCHANGED_ROWS
    for item in report.stacks:
        if together and item.stack in unchanged:
            continue
        took = f"{item.seconds:.1f}s" if item.seconds is not None else ""
        detail = item.reason if item.status != "deployed" or not item.outputs else ""
        table.add_row(cell(item.stack), cell(item.status, _STYLE.get(item.status, "")), took,
                      cell(detail))
    if together:
        table.add_row(cell(f"{len(unchanged)} stacks"), cell("unchanged", _STYLE["unchanged"]),
                      "", cell(", ".join(unchanged)))
    return table


def outputs_table(outputs: dict[str, dict[str, str] | None], links: Sequence[Any] = ()) -> Table:
    """Stack outputs; with `links` (ws.local.links.LocalLink), the local URL of each."""
    local = {(link.stack, link.output): link.local_url for link in links}
    table = Table(title="outputs", title_justify="left")
    for column in ("stack", "output", "value") + (("local URL",) if local else ()):
        table.add_column(column, overflow="fold")
    for stack, values in outputs.items():
        if values is None:
            table.add_row(cell(stack), cell("not deployed", "dim"), "", *([""] if local else []))
            continue
        for i, (key, value) in enumerate(sorted(values.items())):
            extra = [cell(local.get((stack, key), ""))] if local else []
            table.add_row(cell(stack if i == 0 else ""), cell(key), cell(value), *extra)
    return table


def links_table(links: Sequence[Any]) -> Table:
    """What `ws local status` lists: each served URL output and its local URL."""
    table = _table("local URLs", "stack", "output", "local URL")
    for link in links:
        table.add_row(cell(link.stack), cell(link.output), cell(link.local_url))
    return table


def failures(report: RunReport) -> list[str]:
    return [f"{s.stack}: {s.reason}" for s in report.stacks if s.status in (FAILED, INTERRUPTED)]


def plan_table(items: list) -> Table:
    table = _table("plan", "stack", "action", "reason", "deployed from")
    for item in items:
        table.add_row(cell(item.stack), cell(item.action), cell(item.reason),
                      cell(getattr(item, "deployed_commit", "") or ""))
    return table


def _table(title: str, *columns: str) -> Table:
    table = Table(title=title, title_justify="left")
    for column in columns:
        table.add_column(column, overflow="fold")
    return table


def env_table(found: list) -> Table:
    table = _table("deployed environments", "environment", "owner", "where", "stacks", "not ok",
                   "hotswapped", "last deploy", "commit", "ws")
    for item in found:
        table.add_row(*map(cell, (item.env, item.owner or "-", item.where, item.stacks,
                                  item.not_ok, item.behind or "-", item.last_deploy,
                                  item.commit or "-", item.ws_version or "-")))
    if not found:
        table.add_row("(none)", "", "", "", "", "")
    return table


def diff_table(found: list) -> Table:
    table = _table("diff", "stack", "state", "changes")
    for item in found:
        lines = Text("\n").join(cell(c, "bold red" if str(c) in item.data_loss else "")
                                 for c in item.changes)
        table.add_row(cell(item.stack), cell(item.state), lines if item.changes else cell(item.note))
    return table


def drift_table(found: list) -> Table:
    table = _table("drift", "stack", "status", "drifted resources")
    for item in found:
        table.add_row(cell(item.stack), cell(item.status), cell("\n".join(
            f"{r['logical_id']} ({r['type']}) {r['status']}"
            + (f": {', '.join(r['properties'])}" if r["properties"] else "")
            for r in item.resources) or item.note))
    return table
