"""Which locks a waiter may take over, judged by its own clock: a lock whose version has not
changed for a whole lease since the waiter first read it at that version, or at once one whose
holder is proven gone from this host. A waiter reads every lock it waits for at once, so a
killed run's locks (all unrenewed from the same moment) lapse together: one lease in all, not
one per lock. Pure: the caller reads the table and brings the clock."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Iterable

from ws.cloud.lockholder import Holder

GONE = "its process is gone from this host"
Run = tuple[str, str, int, float, str]


@dataclass
class Watch:
    """What one waiter has seen of the locks it waits for."""

    proven_dead: Callable[[Holder], bool] = Holder.dead_here
    seen: dict[str, tuple[Holder, float]] = field(default_factory=dict)  # key: as read, since
    said: set[Run] = field(default_factory=set)  # runs whose takeover was said

    def look(self, lock: Holder, now: float) -> None:
        """`lock.key` was read at `now` at `lock.version`: a new version starts a new lease."""
        seen = self.seen.get(lock.key)
        if seen is None or seen[0].version != lock.version:
            self.seen[lock.key] = (lock, now)

    def look_all(self, locks: Iterable[Holder], now: float) -> None:
        """Every lock of one read (the waiter's first): their leases run from `now` together."""
        for lock in locks:
            self.look(lock, now)

    def verdict(self, lock: Holder, now: float) -> str:
        """Why `lock` (as read at `now`) may be taken over; '' while its run may be alive."""
        self.look(lock, now)
        if self.proven_dead(lock):
            return GONE
        since = self.seen[lock.key][1]
        return f"not renewed for {lock.lease:g} s" if now - since >= lock.lease else ""

    def lapsed_with(self, lock: Holder, keys: list[str], now: float) -> dict[str, str]:
        """Of `keys` (the next ones in sorted order), those read held by `lock`'s run and
        judged lapsed, up to the first that is not (taking one further would break the
        sorted order that keeps two runs from deadlocking): {key: the version read}."""
        lapsed = {}
        for key in keys:
            seen = self.seen.get(key)
            if seen is None or seen[0].run != lock.run or not self.verdict(seen[0], now):
                break
            lapsed[key] = seen[0].version
        return lapsed

    def first_of_run(self, lock: Holder) -> bool:
        """Is this the first lock of its run taken over (said once per run, not per lock)?"""
        if lock.run in self.said:
            return False
        self.said.add(lock.run)
        return True
