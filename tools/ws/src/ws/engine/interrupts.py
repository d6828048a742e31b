"""Ctrl-C and SIGTERM during a run, counted instead of raised: the scheduler's loop acts on
the count (the first starts nothing new, the second stops waiting)."""
from __future__ import annotations

import signal
import threading
from typing import Any


class Interrupts:
    """Count Ctrl-C and SIGTERM (a CI job being cancelled) instead of raising: the loop acts on
    the count. SIGTERM counts as two: whoever sends it will not wait."""

    def __init__(self) -> None:
        self.count = 0
        self.previous: dict[int, Any] = {}

    def __enter__(self) -> "Interrupts":
        if threading.current_thread() is threading.main_thread():
            for signum in (signal.SIGINT, signal.SIGTERM):
                self.previous[signum] = signal.signal(signum, self._handle)
        return self

    def __exit__(self, *exc: object) -> None:
        for signum, handler in self.previous.items():
            signal.signal(signum, handler)

    def _handle(self, signum: int, frame: object) -> None:
        self.count += 2 if signum == signal.SIGTERM else 1
