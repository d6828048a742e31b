"""The router's worker threads: deliveries run here, never in the publisher's request.

`submit(what, work)` runs `work()` on a worker thread as soon as one is free, starting another
(up to MAX_WORKERS) when all are busy: a slow function does not hold the deliveries behind it,
as Lambda runs asynchronous invocations side by side. `later(seconds, what, work)` runs after a
delay (retries). A delivery that raises is logged with what it was, one line, and the others
go on.
"""
from __future__ import annotations

import heapq
import itertools
import logging
import threading
import time
from collections import deque
from typing import Callable

LOG = logging.getLogger("ws.local.events")
WORKERS = 2
MAX_WORKERS = 64
Work = Callable[[], None]


class Router:
    """A timed work queue drained by `workers` daemon threads."""

    def __init__(self, workers: int = WORKERS, clock: Callable[[], float] = time.monotonic,
                 retry_base_seconds: float = 1.0, max_workers: int = MAX_WORKERS) -> None:
        self.clock = clock
        self.retry_base_seconds = retry_base_seconds
        self.workers, self.max_workers = workers, max(workers, max_workers)
        self._due: list[tuple[float, int, str, Work]] = []
        self._order = itertools.count()
        self._ready = threading.Condition()
        self._stopping = False
        self._threads: list[threading.Thread] = []
        self._idle = 0
        self._lanes: dict[str, deque[tuple[str, Work]]] = {}

    def start(self) -> "Router":
        with self._ready:
            for _ in range(self.workers):
                self._spawn()
        return self

    def _spawn(self) -> None:
        """A new worker (the lock held); idle from the start, so a burst spawns only as many
        as it needs."""
        self._idle += 1
        thread = threading.Thread(target=self._drain, name=f"events-{len(self._threads)}",
                                  daemon=True)
        self._threads.append(thread)
        thread.start()

    def submit(self, what: str, work: Work, lane: str | None = None) -> None:
        """Run `work` as soon as a worker is free; work of one `lane` (a FIFO message group)
        runs one at a time, in the order submitted."""
        if lane is None:
            self.later(0.0, what, work)
            return
        with self._ready:
            pending = self._lanes.setdefault(lane, deque())
            pending.append((what, work))
            if len(pending) > 1:
                return  # the lane's runner takes it after those before it
        self.later(0.0, what, lambda: self._run_lane(lane))

    def _run_lane(self, lane: str) -> None:
        while True:
            with self._ready:
                what, work = self._lanes[lane][0]
            _run(what, work)
            with self._ready:
                self._lanes[lane].popleft()
                if not self._lanes[lane]:
                    del self._lanes[lane]
                    return

    def later(self, seconds: float, what: str, work: Work) -> None:
        """Run `work` after `seconds`."""
        with self._ready:
            now = self.clock()
            heapq.heappush(self._due, (now + seconds, next(self._order), what, work))
            waiting = sum(1 for due, *_ in self._due if due <= now)
            if self._threads and waiting > self._idle and len(self._threads) < self.max_workers:
                self._spawn()  # every worker is busy (or already woken for an earlier job)
            self._ready.notify()

    def stop(self) -> None:
        with self._ready:
            self._stopping = True
            self._ready.notify_all()

    def _next(self, counted: bool) -> tuple[str, Work] | None:
        with self._ready:
            if not counted:
                self._idle += 1
            try:
                return self._take()
            finally:
                self._idle -= 1

    def _take(self) -> tuple[str, Work] | None:
        """The next due job (waiting for it), or None when stopping; holds the lock."""
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
        counted = True  # _spawn counted this worker idle
        while (job := self._next(counted)) is not None:
            counted = False
            _run(*job)


def _run(what: str, work: Work) -> None:
    try:
        work()
    except Exception as exc:  # noqa: BLE001 - one delivery's bug must not stop others
        LOG.warning("%s: not delivered: %s", what, _reason(exc))


def _reason(exc: Exception) -> str:
    text = getattr(exc, "message", None) or str(exc) or type(exc).__name__
    return f"{type(exc).__name__}: {' '.join(str(text).split())[:300]}"
