"""Live progress on a terminal: one row per stack with status, elapsed time and latest event,
and under them the run's overall line (done, running, waiting, failed, elapsed, time left)."""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Callable

from rich.console import Console, Group
from rich.live import Live
from rich.table import Table
from rich.text import Text

from ws.engine.progress import Progress
from ws.engine.results import StackReport

_STYLE = {"running": "bold blue", "waiting": "dim", "deployed": "green", "unchanged": "cyan",
          "deleted": "green", "absent": "dim", "failed": "bold red", "blocked": "yellow",
          "not run": "yellow", "interrupted": "bold yellow"}


@dataclass
class _Row:
    status: str = "waiting"
    started: float | None = None
    ended: float | None = None
    latest: str = ""


class LiveView:
    """A rich Live table fed by the deploy callbacks (called from worker threads)."""

    def __init__(self, console: Console, stacks: list[str],
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.rows = {name: _Row() for name in stacks}
        self.clock = clock
        self.progress: Progress | None = None
        self.lock = threading.Lock()
        self.live = Live(console=console, get_renderable=self.view, refresh_per_second=4,
                         transient=False)

    def __enter__(self) -> "LiveView":
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def start(self) -> None:
        if not self.live.is_started:
            self.live.start()

    def stop(self) -> None:
        if self.live.is_started:
            self.live.stop()

    def on_event(self, stack: str, message: str) -> None:
        with self.lock:
            row = self.rows.setdefault(stack, _Row())
            if row.started is None:
                row.status, row.started = "running", self.clock()
            row.latest = message

    def on_finish(self, report: StackReport) -> None:
        with self.lock:
            row = self.rows.setdefault(report.stack, _Row())
            row.status, row.ended = report.status, self.clock()
            row.latest = report.reason or row.latest

    def on_progress(self, progress: Progress) -> None:
        with self.lock:
            self.progress = progress

    def view(self) -> Group:
        """The stacks' table with the overall line kept under it."""
        with self.lock:
            progress = self.progress
        line = Text(progress.line(time.time()) if progress else "", style="bold")
        return Group(self.table(), line)

    def table(self) -> Table:
        table = Table(box=None, pad_edge=False)
        for column in ("stack", "status", "time", "latest event"):
            table.add_column(column, overflow="ellipsis", no_wrap=True)
        now = self.clock()
        with self.lock:
            for name, row in self.rows.items():
                took = "" if row.started is None else f"{(row.ended or now) - row.started:.1f}s"
                style = _STYLE.get(row.status, "")
                table.add_row(Text(name), Text(row.status, style=style), took, Text(row.latest))
        return table
