"""How often the watcher may read stack statuses: no second holds more than `rate` rounds (5:
CloudFormation allows an account 5 DescribeStacks a second), and no two rounds are closer than
`gap`. The rounds need not be evenly spread: the budget saved while no operation is expected to
end is spent on looks close together when one is."""
from __future__ import annotations

from collections import deque

SECOND = 1.0


class ReadRate:
    """When the last `rate` rounds were answered, and when the next one may start."""

    def __init__(self, rate: int = 5, gap: float = 0.04) -> None:
        self.gap = gap
        self._rounds: deque[float] = deque(maxlen=max(1, rate))

    def earliest(self) -> float:
        """When the next round may start: `gap` after the last, and a second after the one
        `rate` rounds back was answered (so it reached CloudFormation more than a second
        before the next one can: no second, however placed, holds more than `rate`)."""
        if not self._rounds:
            return float("-inf")
        at = self._rounds[-1] + self.gap
        if len(self._rounds) == self._rounds.maxlen:
            at = max(at, self._rounds[0] + SECOND)
        return at

    def spend(self, answered: float) -> None:
        """A round was answered at `answered`."""
        self._rounds.append(answered)
