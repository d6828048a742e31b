"""When to look at one stack operation in flight: in the window where it should end (its
history, or the operations of this run seen end), halving it, quickly after, then less and less
often; and what the looks learnt (the window in which it ended). The watcher (watcher.py) reads
them in rounds, within a rate (readrate.py)."""
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
    eager: float = 6.0  # with no history, looked at every floor for this long (s)

    def schedule(self, now: float, floor: float, gap: float | None = None) -> None:
        """Next look. Before the expected end (its history, else the window of the operations
        this run has seen end): in its window, halving it (_approach). Just after: `gap` s
        after, then as long after as it has overrun, up to every `floor` s. Then: with a
        history, less and less often the longer it overruns; without, every `floor` s for
        `eager` s, then less and less often. Never more than 5 s apart."""
        elapsed = now - self.started
        window = self._window()
        if window is not None and elapsed < window[1] - 0.005:  # (not a look at once)
            self.next_at = self._approach(now, window)
            return
        if self.expected is None:
            step = floor if elapsed < self.eager else 0.1 * elapsed
        else:
            step = 0.25 * (elapsed - self.expected)
        step = min(5.0, max(floor, step))
        if window is not None and gap is not None:  # it should have ended: soon, then
            step = min(step, max(gap, elapsed - window[1]))  # the longer it overran, later
        self.next_at = now + step

    def _window(self) -> Window | None:
        """When it should end: from 90% of its history to just after it; else from 90% of
        the window in which the shortest operation of this run was seen to end (the reads
        before and after) to its end (it may be a little shorter than those seen)."""
        if self.expected is not None:
            return 0.9 * self.expected, self.expected + 0.05
        if self.hint is not None:
            return self.hint[0], self.hint[1] + 0.01
        return None

    def _approach(self, now: float, window: Window) -> float:
        """Looks before the expected end: in the middle of what the looks so far have not
        ruled out (it was still running at the last), while that is wider than 1% of it (30
        ms at least); then at its end."""
        low, high = window
        low = max(low, min(self.looked - self.started, high))
        middle = (low + high) / 2
        if high - low > max(0.03, 0.01 * high) and now < self.started + middle - 0.01:
            return self.started + middle
        return self.started + high
