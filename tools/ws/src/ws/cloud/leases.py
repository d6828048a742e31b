"""A run's hold on its stacks' locks: taken in sorted order, renewed from the first one taken,
lost locks reported to the run, given back as each stack is done or at the end (the protocol:
locks.py)."""
from __future__ import annotations

import logging
import math
import queue
import threading
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Callable, Iterator

from botocore.exceptions import BotoCoreError, ClientError

from ws.cloud.lockholder import Holder, me
from ws.cloud.locks import TRANSACTION_ITEMS, LockError, LockTable
from ws.cloud.reachability import LOST
from ws.cloud.takeover import Watch
from ws.errors import DeployError

log = logging.getLogger(__name__)


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
        self._giver: _Giver | None = None  # gives locks back before the end (hold's)

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

    def give_back(self, keys: list[str]) -> None:
        """The stacks of `keys` are done: nothing more of this run changes them. Their locks
        go back now, in the background (a run waiting for them need not wait for the rest of
        this one); they are no longer renewed, nor can they be lost. Without a hold to give
        them back, they are kept until the end."""
        with self._guard:  # (the giver takes them before the hold's end closes it)
            if self._giver is None:
                return
            mine = [key for key in keys if key in self.keys]
            for key in mine:
                self.keys.remove(key)
            if mine:
                self._giver.give(mine)

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


OnTakeOver = Callable[[Holder, str], None]  # whose locks are taken over, and why


@contextmanager
def hold(table: LockTable, keys: list[str], *, timeout: float, ttl: float,
         on_wait: Callable[[Holder], None] = lambda holder: None,
         on_take_over: OnTakeOver = lambda holder, why: None) -> Iterator[Lease]:
    """Hold every lock in `keys` for the body (taken in sorted order, so two runs never
    deadlock): wait up to `timeout` seconds in all, renew every ttl/3 from the first lock
    taken, release at the end. The body checks the yielded Lease for lost locks. Locks another
    run holds are all read at once, then judged by takeover.Watch: a dead run's are taken over
    together after one lease, or at once when its process is proven gone from this host;
    `on_wait` hears of each run waited for, `on_take_over` of each run whose locks are taken."""
    token, holder = uuid.uuid4().hex, me(table.clock)
    waiter = _Waiter(table, holder, token, ttl, table.monotonic() + timeout, on_wait,
                     on_take_over)
    lease, stop = Lease(ttl, table.monotonic), threading.Event()
    beat = threading.Thread(target=_heartbeat, args=(table, lease, token, ttl, stop), daemon=True,
                            name="ws-lock-heartbeat")
    beat.start()
    lease._giver = _Giver(table, token)
    try:
        wanted = sorted(set(keys))
        for chunk in _chunks(wanted):
            asked = table.monotonic()
            if table.acquire_all(chunk, holder, token, ttl):
                lease.add(chunk, asked)
                continue
            waiter.look(wanted[wanted.index(chunk[0]):])  # all still wanted, from one moment
            left = chunk  # one is held: in order, each released if the run fails
            while left:
                taken, asked = waiter.acquire(left)
                lease.add(taken, asked)
                left = left[len(taken):]
        yield lease
    finally:
        stop.set()
        with lease._guard:  # what is given back from now on is released below
            giver, lease._giver = lease._giver, None
        undone = giver.close()
        beat.join(ttl)  # a renewal that hangs in its call does not hold the run's end longer
        _release(table, sorted(lease.held() + undone), token)


class _Giver:
    """A thread giving locks back while the run goes on, each with a conditional delete (cheaper
    than a transaction, and a waiter needs just that lock); what it has not given back when the
    run ends is released with the rest, in one transaction."""

    def __init__(self, table: LockTable, token: str) -> None:
        self.table, self.token = table, token
        self.given: queue.SimpleQueue[list[str] | None] = queue.SimpleQueue()
        self.closing = threading.Event()
        self.left: list[str] = []  # not given back by this thread
        self.thread = threading.Thread(target=self._run, daemon=True, name="ws-lock-giver")
        self.thread.start()

    def give(self, keys: list[str]) -> None:
        self.given.put(keys)

    def close(self) -> list[str]:
        """Stop after the call under way; the keys it did not give back."""
        self.closing.set()
        self.given.put(None)
        self.thread.join()
        return self.left

    def _run(self) -> None:
        while (keys := self.given.get()) is not None:
            for key in keys:
                if self.closing.is_set() or self.left:  # (left: the table is unreachable)
                    self.left.append(key)
                    continue
                try:
                    self.table.release(key, self.token)
                except LOST:  # the end tries once more, and says how many were not given back
                    self.left.append(key)
                except (ClientError, BotoCoreError):
                    continue  # refused: a waiter takes it over after a lease


def _chunks(keys: list[str]) -> list[list[str]]:
    """`keys` (sorted) in groups one transaction takes."""
    return [keys[i:i + TRANSACTION_ITEMS] for i in range(0, len(keys), TRANSACTION_ITEMS)]


def _release(table: LockTable, keys: list[str], token: str) -> None:
    """Give back every lock still held: one transaction per chunk, one by one if refused (or
    if it failed: a lock that cannot be released is taken over by a waiter after a lease,
    and the others are still given back). A lock table that cannot be reached is not tried
    lock by lock (minutes of retries for nothing): its locks lapse by themselves."""
    for done, chunk in enumerate(_chunks(keys)):
        try:
            if table.release_all(chunk, token):
                continue
        except LOST:
            return _unreachable(len(keys) - done * TRANSACTION_ITEMS)
        except (ClientError, BotoCoreError):
            pass
        for left, key in enumerate(chunk):
            try:
                table.release(key, token)
            except LOST:
                return _unreachable(len(keys) - done * TRANSACTION_ITEMS - left)
            except (ClientError, BotoCoreError):
                continue  # refused: waiters take this one over after a lease


def _unreachable(count: int) -> None:
    log.warning("%d lock(s) not given back: the lock table cannot be reached; the next run "
                "takes them over (at once from this host, else after lock_ttl)", count)


@dataclass
class _Waiter:
    """One run waiting for the locks others hold: what it has seen of them (one Watch for all
    its locks), whom it said it waits for."""

    table: LockTable
    holder: Holder
    token: str
    ttl: float
    deadline: float  # monotonic
    on_wait: Callable[[Holder], None]
    on_take_over: OnTakeOver
    watch: Watch = field(default_factory=Watch)
    told: tuple | None = None  # the run last said to be waited for

    def look(self, keys: list[str]) -> None:
        """Read every lock in `keys` at once: their leases are watched from this moment (if
        the read is refused, say a policy without dynamodb:BatchGetItem, each lock's lease is
        watched from when it is first read alone)."""
        try:
            self.watch.look_all(self.table.read_all(keys), self.table.monotonic())
        except ClientError as exc:
            log.warning("the locks held by other runs could not be read at once (%s): each "
                        "is judged from when it is read", exc.response["Error"].get("Code"))

    def acquire(self, keys: list[str]) -> tuple[list[str], float]:
        """Wait for the first of `keys` (sorted) and take it, with those after it that a dead
        run it is taken over from holds too; (keys taken, when the write was asked)."""
        table, key = self.table, keys[0]
        while True:
            asked = table.monotonic()
            current = table.try_acquire(key, self.holder, self.token, self.ttl)
            if current is None:
                return [key], asked
            now = table.monotonic()
            why = self.watch.verdict(current, now)
            if why and table.take_over(key, self.holder, self.token, self.ttl, current.version):
                if self.watch.first_of_run(current):
                    self.on_take_over(current, why)
                return [key, *self._same_run(current, keys[1:])], now
            if not why and current.run != self.told:
                self.on_wait(current)
                self.told = current.run
            if now >= self.deadline:
                raise LockError(f"{key} is locked by {current.describe()}",
                                "wait and retry (--lock-timeout), or if that run is dead and "
                                "you cannot wait a lease for its lock to expire: ws unlock")
            table.sleep(min(2.0, max(0.1, self.ttl / 10)))

    def _same_run(self, lock: Holder, keys: list[str]) -> list[str]:
        """Take over, in one transaction, the next of `keys` that `lock`'s (dead) run holds,
        each if still as read; those taken ([] if one changed: then one at a time)."""
        lapsed = self.watch.lapsed_with(lock, keys, self.table.monotonic())
        if lapsed and self.table.take_over_all(lapsed, self.holder, self.token, self.ttl):
            return list(lapsed)
        return []


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


