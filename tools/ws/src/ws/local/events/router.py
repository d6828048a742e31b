"""The router's worker threads: deliveries run here, never in the publisher's request.

`submit(what, work)` runs `work()` on one of a few worker threads as soon as one is free;
`later(seconds, what, work)` after a delay (retries). A delivery that raises is logged with
what it was, one line, and the others go on.
"""
from __future__ import annotations

import heapq
import itertools
import logging
import threading
import time
from typing import Callable

LOG = logging.getLogger("ws.local.events")
WORKERS = 8
Work = Callable[[], None]


class Router:
    """A timed work queue drained by `workers` daemon threads."""

    def __init__(self, workers: int = WORKERS, clock: Callable[[], float] = time.monotonic,
                 retry_base_seconds: float = 1.0) -> None:
        self.clock = clock
        self.retry_base_seconds = retry_base_seconds
        self._due: list[tuple[float, int, str, Work]] = []
        self._order = itertools.count()
        self._ready = threading.Condition()
        self._stopping = False
        self._threads = [threading.Thread(target=self._drain, name=f"events-{i}", daemon=True)
                         for i in range(workers)]

    def start(self) -> "Router":
        for thread in self._threads:
            thread.start()
        return self

    def submit(self, what: str, work: Work) -> None:
        """Run `work` as soon as a worker is free."""
        self.later(0.0, what, work)

    def later(self, seconds: float, what: str, work: Work) -> None:
        """Run `work` after `seconds`."""
        with self._ready:
            heapq.heappush(self._due, (self.clock() + seconds, next(self._order), what, work))
            self._ready.notify()

    def stop(self) -> None:
        with self._ready:
            self._stopping = True
            self._ready.notify_all()

    def _next(self) -> tuple[str, Work] | None:
        with self._ready:
            while not self._stopping:
                if self._due:
                    wait = self._due[0][0] - self.clock()
                    if wait <= 0:
                        _, _, what, work = heapq.heappop(self._due)
                        return what, work
                    self._ready.wait(wait)
                else:
                    self._ready.wait()
        return None

    def _drain(self) -> None:
        while (job := self._next()) is not None:
            what, work = job
            try:
                work()
            except Exception as exc:  # noqa: BLE001 - one delivery's bug must not stop others
                LOG.warning("%s: not delivered: %s", what, _reason(exc))


def _reason(exc: Exception) -> str:
    text = getattr(exc, "message", None) or str(exc) or type(exc).__name__
    return f"{type(exc).__name__}: {' '.join(str(text).split())[:300]}"
