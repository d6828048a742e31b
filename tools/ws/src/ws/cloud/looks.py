"""When to look at one stack operation in flight: near when it should end (its history, or
the operations of this run seen end), quickly after, then less and less often; and what the
looks learnt (the window in which it ended). The watcher (watcher.py) reads them in rounds."""
from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

Window = tuple[float, float]  # (at least, at most) seconds an operation took


@dataclass
class Ticket:
    """One operation being watched: the latest description the watcher read of its stack."""

    name: str
    key: str  # what to describe it by when read alone (its id; its name for a delete)
    started: float
    expected: float | None
    deleting: bool = False  # a stack gone from the list is deleted (not yet visible: a create)
    hint: Window | None = None  # no history: how long the shortest operation of this run took
    status: str = ""
    stack: dict[str, Any] | None = None
    gone: bool = False  # described as not existing (a finished delete)
    error: BaseException | None = None
    next_at: float = 0.0  # when the watcher next reads it
    looked: float = 0.0  # when the last read that found it still in progress was asked
    took: Window | None = None  # once it ended: between the last two reads
    changed: threading.Event = field(default_factory=threading.Event)

    def schedule(self, now: float, floor: float) -> None:
        """Next look. Before the expected end (its history, else the window of the operations
        this run has seen end): at 90% of it, then in its window (_approach). After: with a
        history, every `floor` s, less and less often the longer it overruns; without, every
        `floor` s for 6 s, then less and less often. Never more than 5 s apart."""
        elapsed = now - self.started
        window = self._window()
        if window is not None and elapsed < window[1] - 0.005:  # (not a look at once)
            self.next_at = self._approach(now, window, floor)
            return
        if self.expected is None:
            step = floor if elapsed < 6 else 0.1 * elapsed
        else:
            step = 0.25 * (elapsed - self.expected)
        self.next_at = now + min(5.0, max(floor, step))

    def _window(self) -> Window | None:
        """When it should end: just after its history says; else within the window in which
        the shortest operation of this run was seen to end (the reads before and after)."""
        if self.expected is not None:
            return self.expected, self.expected + 0.05
        if self.hint is not None:
            return self.hint[0], self.hint[1] + 0.01
        return None

    def _approach(self, now: float, window: Window, floor: float) -> float:
        """Looks before the expected end: at 90% of it, then every 5% of it while that is
        far, then in the middle of the window (when wide enough to halve), then at its end."""
        low, high = window
        if now - self.started < 0.9 * low - floor:
            return self.started + 0.9 * low
        middle = (low + high) / 2
        if high - low > 0.03 and now < self.started + middle - 0.01:
            end = self.started + middle
        else:
            end = self.started + high
        far = end - now > max(2 * floor, 0.05 * low)
        return now + min(5.0, max(floor, 0.05 * low)) if far else end
