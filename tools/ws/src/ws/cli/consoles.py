"""The rich Console the commands print with: a terminal's own width, a wide one when piped."""
from __future__ import annotations

import os

from rich.console import Console

from ws.cli.lifetime import stdout_closed

PIPED_WIDTH = 200


class QuietWhenClosed(Console):
    """A Console that goes quiet when its reader closes stdout. rich's own raises SystemExit(1)
    from whichever thread printed: a stack's event ended that stack's deploy, and the run
    ended with 1, no report, no message."""

    def on_broken_pipe(self) -> None:
        stdout_closed()
        self.quiet = True


def console(width: int | None = None) -> Console:
    """A Console for stdout. When stdout is not a terminal (a pipe, a file, a CI log) rich
    assumes 80 columns and wraps every ARN and URL over several lines; such output gets
    PIPED_WIDTH columns instead, unless COLUMNS (or `width`) says otherwise. Emoji codes are
    left as written: ":x:" in an AWS message stays ":x:"."""
    made = QuietWhenClosed(highlight=False, emoji=False, width=width)
    if width or interactive(made) or os.environ.get("COLUMNS"):
        return made
    return QuietWhenClosed(highlight=False, emoji=False, width=PIPED_WIDTH)


def interactive(made: Console) -> bool:
    """A person's terminal (the live view), not a log: rich's is_terminal is also true where
    FORCE_COLOR or TTY_COMPATIBLE is set (many CI systems set FORCE_COLOR), so the stream itself
    must be a terminal too."""
    isatty = getattr(made.file, "isatty", None)
    return made.is_terminal and bool(isatty and isatty())
