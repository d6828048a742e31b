"""The rich Console the commands print with: a terminal's own width, a wide one when piped."""
from __future__ import annotations

import os

from rich.console import Console

PIPED_WIDTH = 200


def console() -> Console:
    """A Console for stdout. When stdout is not a terminal (a pipe, a file, a CI log) rich
    assumes 80 columns and wraps every ARN and URL over several lines; such output gets
    PIPED_WIDTH columns instead, unless COLUMNS says otherwise."""
    made = Console(highlight=False)
    if made.is_terminal or os.environ.get("COLUMNS"):
        return made
    return Console(highlight=False, width=PIPED_WIDTH)
