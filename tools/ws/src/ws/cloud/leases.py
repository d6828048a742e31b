"""A run's hold on its stacks' locks: taken in sorted order, renewed from the first one taken,
lost locks reported to the run, given back at the end (the protocol: locks.py)."""
from __future__ import annotations

import math
import threading
import time
import uuid
from contextlib import contextmanager
from typing import Callable, Iterator

from botocore.exceptions import BotoCoreError, ClientError

from ws.cloud.lockholder import Holder, me
from ws.cloud.locks import TRANSACTION_ITEMS, LockError, LockTable
from ws.errors import DeployError


class LockLost(DeployError):
    """A lock this run held was broken (ws unlock) or could not be renewed for a lease."""


class Lease:
    """The locks one run holds; `problem()` says (from any thread) whether one was lost: broken,
    or not renewed for a whole lease by `clock` (the table's), even while a renewal call still
    hangs (a waiter may take the lock over from then on)."""

    def __init__(self, ttl: float = math.inf, clock: Callable[[], float] = time.monotonic
                 ) -> None:
        self.ttl, self.clock = ttl, clock
        self.keys: list[str] = []
        self.lost: dict[str, str] = {}  # key -> why
        self.renewed: dict[str, float] = {}  # key -> when the last write that held was asked
        self._guard = threading.Lock()

    def add(self, keys: list[str], asked: float) -> None:
        """`keys` are held from a write asked for at `asked` (the table's monotonic clock):
        their lease runs from there until renewed."""
        with self._guard:
            self.keys.extend(keys)
            self.renewed.update(dict.fromkeys(keys, asked))

    def renew(self, keys: list[str], asked: float) -> None:
        """`keys` were renewed by a write asked for at `asked`."""
        with self._guard:
            self.renewed.update(dict.fromkeys(keys, asked))

    def lose(self, key: str, why: str) -> None:
        with self._guard:
            if key in self.keys:
                self.keys.remove(key)
                self.lost[key] = why

    def held(self) -> list[str]:
        with self._guard:
            return list(self.keys)

    def problem(self) -> str:
        """'' while every lock holds; else a message naming the lost locks."""
        now = self.clock()
        with self._guard:
            lost = dict(self.lost)
            lost.update({key: f"not renewed for {self.ttl:g} s" for key in self.keys
                         if now - self.renewed[key] >= self.ttl})
        if not lost:
            return ""
        return "lost the lock " + "; ".join(f"{key} ({why})" for key, why in sorted(lost.items())) \
            + ": another run may be changing these stacks, so this run started nothing new"

    def check(self) -> None:
        """Raise LockLost if a lock was lost."""
        if self.problem():
            raise LockLost(self.problem(), "find out who broke or took the lock, then run again")


@contextmanager
def hold(table: LockTable, keys: list[str], *, timeout: float, ttl: float,
         on_wait: Callable[[Holder], None] = lambda holder: None,
         take_over_dead: Callable[[Holder], bool] = lambda holder: False) -> Iterator[Lease]:
    """Hold every lock in `keys` for the body (taken in sorted order, so two runs never
    deadlock): wait up to `timeout` seconds in all, renew every ttl/3 from the first lock
    taken, release at the end. The body checks the yielded Lease for lost locks. A lock whose
    holder is provably dead (its process gone from this host) is taken over at once when
    `take_over_dead(holder)` says so (asked once per holder), still conditional on its version."""
    token, holder = uuid.uuid4().hex, me(table.clock)
    deadline = table.monotonic() + timeout
    lease, stop = Lease(ttl, table.monotonic), threading.Event()
    beat = threading.Thread(target=_heartbeat, args=(table, lease, token, ttl, stop), daemon=True,
                            name="ws-lock-heartbeat")
    beat.start()
    try:
        for chunk in _chunks(sorted(set(keys))):
            asked = table.monotonic()
            if table.acquire_all(chunk, holder, token, ttl):
                lease.add(chunk, asked)
                continue
            for key in chunk:  # one is held: one at a time, each released if the run fails
                lease.add([key], _acquire(table, key, holder, token, ttl, deadline, on_wait,
                                          take_over_dead))
        yield lease
    finally:
        stop.set()
        beat.join(ttl)  # a renewal that hangs in its call does not hold the run's end longer
        _release(table, lease.held(), token)


def _chunks(keys: list[str]) -> list[list[str]]:
    """`keys` (sorted) in groups one transaction takes."""
    return [keys[i:i + TRANSACTION_ITEMS] for i in range(0, len(keys), TRANSACTION_ITEMS)]


def _release(table: LockTable, keys: list[str], token: str) -> None:
    """Give back every lock still held: one transaction per chunk, one by one if refused (or
    if it failed: a lock that cannot be released is taken over by a waiter after a lease,
    and the others are still given back)."""
    for chunk in _chunks(keys):
        try:
            if table.release_all(chunk, token):
                continue
        except (ClientError, BotoCoreError):
            pass
        for key in chunk:
            try:
                table.release(key, token)
            except (ClientError, BotoCoreError):
                continue  # unreachable or refused: waiters take this one over after a lease


def _acquire(table: LockTable, key: str, holder: Holder, token: str, ttl: float,
             deadline: float, on_wait: Callable[[Holder], None],
             take_over_dead: Callable[[Holder], bool] = lambda holder: False) -> float:
    """Wait for `key` and take it; when the write that took it was asked (monotonic)."""
    told: Holder | None = None
    seen: tuple[str, float] | None = None  # the holder's version, and when we first saw it
    while True:
        asked = table.monotonic()
        current = table.try_acquire(key, holder, token, ttl)
        if current is None:
            return asked
        now = table.monotonic()
        if seen is None or seen[0] != current.version:
            seen = (current.version, now)  # renewed, or a new holder: a whole lease again
        elif now - seen[1] >= current.lease and \
                table.take_over(key, holder, token, ttl, current.version):
            return now  # not renewed for a whole lease by our clock: its run is dead
        if told is None or (current.pid, current.since) != (told.pid, told.since):
            on_wait(current)
            told = current
            asked = table.monotonic()
            if current.dead_here() and take_over_dead(current) and \
                    table.take_over(key, holder, token, ttl, current.version):
                return asked  # its process is gone from this host: nothing will renew it
        if now >= deadline:
            raise LockError(f"{key} is locked by {current.describe()}",
                            "wait and retry (--lock-timeout), or if that run is dead and you "
                            "cannot wait a lease for its lock to expire: ws unlock")
        table.sleep(min(2.0, max(0.1, ttl / 10)))


def _heartbeat(table: LockTable, lease: Lease, token: str, ttl: float,
               stop: threading.Event) -> None:
    """Renew every held lock each ttl/3; a lock not renewed for a whole lease (counted from the
    write that took it, or from the last renewal) is lost: by then a waiter may take it."""
    while not stop.wait(ttl / 3):
        held = lease.held()
        now = table.monotonic()
        try:
            if all(table.renew_all(chunk, token, ttl) for chunk in _chunks(held)):
                lease.renew(held, now)
                continue
        except (ClientError, BotoCoreError):
            pass  # unreachable now: the per-lock pass below counts the time since the last
        for key in held:
            if stop.is_set():  # the run is ending: it releases what it holds
                return
            now = table.monotonic()
            try:
                if table.renew(key, token, ttl):
                    lease.renew([key], now)
                else:
                    lease.lose(key, "broken by ws unlock or taken over")
            except (ClientError, BotoCoreError):
                if table.monotonic() - lease.renewed[key] >= ttl:  # waiters may take it now
                    lease.lose(key, f"could not be renewed for {ttl:g} s")


