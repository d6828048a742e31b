"""Turn reports into what a person reads on a terminal or in CI logs."""
from __future__ import annotations

import threading
from typing import Any, Callable, Sequence

from rich.console import Console
from rich.table import Table

from ws.engine.results import FAILED, INTERRUPTED, RunReport, StackReport

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
            console.print(f"::group::{report.stack}: {report.status}{detail}", markup=False,
                          highlight=False, soft_wrap=True)
            for line in lines:
                console.print(f"{report.stack} | {line}", markup=False, highlight=False,
                              soft_wrap=True)
            console.print("::endgroup::", markup=False, highlight=False)
            if report.status == FAILED:
                console.print(f"::error title=ws: {report.stack} failed::{report.reason}",
                              markup=False, highlight=False, soft_wrap=True)
    return event, finished


def summary(report: RunReport) -> Table:
    seconds = report.ended - report.started
    table = Table(title=f"ws {report.action} --env {report.env}: {seconds:.1f}s",
                  title_justify="left")
    for column in ("stack", "status", "time", "detail"):
        table.add_column(column, overflow="fold")
    for item in report.stacks:
        took = f"{item.seconds:.1f}s" if item.seconds is not None else ""
        detail = item.reason if item.status != "deployed" or not item.outputs else ""
        style = _STYLE.get(item.status, "default")
        table.add_row(item.stack, f"[{style}]{item.status}[/]", took, detail)
    return table


def outputs_table(outputs: dict[str, dict[str, str] | None], links: Sequence[Any] = ()) -> Table:
    """Stack outputs; with `links` (ws.local.links.LocalLink), the local URL of each."""
    local = {(link.stack, link.output): link.local_url for link in links}
    table = Table(title="outputs", title_justify="left")
    for column in ("stack", "output", "value") + (("local URL",) if local else ()):
        table.add_column(column, overflow="fold")
    for stack, values in outputs.items():
        if values is None:
            table.add_row(stack, "[dim]not deployed[/]", "", *([""] if local else []))
            continue
        for i, (key, value) in enumerate(sorted(values.items())):
            extra = [local.get((stack, key), "")] if local else []
            table.add_row(stack if i == 0 else "", key, value, *extra)
    return table


def links_table(links: Sequence[Any]) -> Table:
    """What `ws local status` lists: each served URL output and its local URL."""
    table = _table("local URLs", "stack", "output", "local URL")
    for link in links:
        table.add_row(link.stack, link.output, link.local_url)
    return table


def failures(report: RunReport) -> list[str]:
    return [f"{s.stack}: {s.reason}" for s in report.stacks if s.status in (FAILED, INTERRUPTED)]


def plan_table(items: list) -> Table:
    table = _table("plan", "stack", "action", "reason")
    for item in items:
        table.add_row(item.stack, item.action, item.reason)
    return table


def _table(title: str, *columns: str) -> Table:
    table = Table(title=title, title_justify="left")
    for column in columns:
        table.add_column(column, overflow="fold")
    return table


def env_table(found: list) -> Table:
    table = _table("deployed environments", "environment", "owner", "where", "stacks", "not ok",
                   "last deploy")
    for item in found:
        table.add_row(item.env, item.owner or "-", item.where, str(item.stacks),
                      str(item.not_ok), item.last_deploy)
    if not found:
        table.add_row("(none)", "", "", "", "", "")
    return table


def diff_table(found: list) -> Table:
    table = _table("diff", "stack", "state", "changes")
    for item in found:
        lines = [f"[bold red]{c}[/]" if str(c) in item.data_loss else str(c)
                 for c in item.changes]
        table.add_row(item.stack, item.state, "\n".join(lines) or item.note)
    return table


def drift_table(found: list) -> Table:
    table = _table("drift", "stack", "status", "drifted resources")
    for item in found:
        table.add_row(item.stack, item.status, "\n".join(
            f"{r['logical_id']} ({r['type']}) {r['status']}"
            + (f": {', '.join(r['properties'])}" if r["properties"] else "")
            for r in item.resources) or item.note)
    return table
