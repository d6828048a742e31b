"""One watcher for every stack operation in flight: a single thread reads their statuses
together each round (one paginated DescribeStacks, or one DescribeStacks per stack when that is
fewer calls), at a cadence taken from how long stacks took before (when to look at each:
looks.py), and wakes the worker whose stack changed status. Workers read events only then (see
stackwait.py), never on every poll.

Cost: one round is one call (per page of the account's stacks), whatever the number of stacks in
flight; no second holds more than 1/floor rounds (5: CloudFormation allows an account 5
DescribeStacks a second), so at most 1/floor calls per second (per page). Rounds may come
closer together than `floor` (down to a `gap`) when operations are expected to end: the
budget saved while none is, is spent there (readrate.py).
"""
from __future__ import annotations

import threading
import time
from typing import Any, Callable

from botocore.exceptions import ClientError

from ws.cloud.awserrors import is_throttling
from ws.cloud.livestate import describe_one
from ws.cloud.looks import Ticket, Window
from ws.cloud.readrate import ReadRate


class Abandoned(Exception):
    """Raised in a stack's work once the run stopped waiting for it."""


Expected = Callable[[str], "float | None"]  # stack name -> seconds its operations took before


SAME = 1.1  # operations within 10% of each other count as taking as long (a hint holds)
# With no history, an operation is looked at every floor for its first EAGER s (the standard
# mode's take minutes: then less often), an express one for EXPRESS_EAGER s (they end in
# seconds to tens of seconds: at 10 s the looks would otherwise be a second apart).
EAGER, EXPRESS_EAGER = 6.0, 30.0


def cadence(history: dict[str, float]) -> Callable[[str], float | None]:
    """A stack's expected duration: how long its operation took before, if it did."""
    return history.get


def _estimate(took: Window) -> float:
    """How long an operation took, for the next run's looks: the middle of the window in
    which it ended (the next run looks on both sides of it), unless a look found it running
    only in the first half of its time (the window says little): then the most it can have
    taken."""
    low, high = took
    return (low + high) / 2 if low >= high / 2 else high


class Watcher:
    """Status reads for all operations in flight, on one thread started on first use."""

    def __init__(self, cfn: Any, expected: Callable[[str], float | None] = cadence({}),
                 stop: threading.Event | None = None, floor: float = 0.2,
                 clock: Callable[[], float] = time.monotonic, gap: float = 0.04,
                 eager: float = EAGER) -> None:
        self.cfn, self.expected, self.floor, self.clock = cfn, expected, floor, clock
        self.eager = eager
        self.rate = ReadRate(round(1 / floor), min(gap, floor))
        self.stop = stop or threading.Event()
        self.tickets: dict[int, Ticket] = {}
        self.finished: list[Window] = []  # how long the operations seen end in this run took
        self.took: dict[str, float] = {}  # stack name -> how long its last operation took
        self.pages = 1  # pages of the last batched read: per-stack reads when fewer
        self.calls = 0
        self._guard = threading.Lock()
        self._wake = threading.Event()
        self._closed = False
        self._thread: threading.Thread | None = None
        self.broken: BaseException | None = None  # what ended the thread, if not the run

    def watch(self, name: str, key: str, deleting: bool = False,
              since: float | None = None) -> Ticket:
        """Start watching an operation on stack `name` (read alone by `key`), asked for at
        `since` by this clock (its duration starts there: the call may have taken a while to
        return); else now."""
        with self._guard:
            now = self.clock()
            started = now if since is None else min(since, now)
            ticket = Ticket(name, key, started, self.expected(name), deleting, self._hint(),
                            looked=started, eager=self.eager)
            ticket.schedule(now, self.floor, self.rate.gap)
            self.tickets[id(ticket)] = ticket
            if self.broken is not None:
                ticket.error = self.broken
                ticket.changed.set()
            elif self._thread is None:
                self._thread = threading.Thread(target=self._loop, daemon=True,
                                                name="ws-watcher")
                self._thread.start()
        self._wake.set()
        return ticket

    def _hint(self) -> Window | None:
        """When an operation with no history of its own may end: within the window of the
        shortest operation seen end in this run, narrowed by the windows of the others that
        overlap it (operations seen end together likely take as long: each read of one tells
        when the others end, and the looks in the middle of the window halve it). None when
        they took clearly different times (one at least 10% longer than another): a new one
        may then be shorter than any seen, and is looked at every floor from its start."""
        if not self.finished:
            return None
        high = min(w[1] for w in self.finished)
        if max(w[0] for w in self.finished) > SAME * high:
            return None
        return max(w[0] for w in self.finished if w[0] < high), high

    def done(self, ticket: Ticket) -> None:
        """Stop watching; its duration teaches the cadence of the operations in flight with no
        history of their own (their looks are planned again) and of those still to come (and
        of the next run's, through the history: _estimate)."""
        with self._guard:
            if self.tickets.pop(id(ticket), None) is None or ticket.took is None:
                return
            self.finished.append(ticket.took)
            self.took[ticket.name] = round(_estimate(ticket.took), 3)
            hint, now = self._hint(), self.clock()
            for other in self.tickets.values():
                if other.expected is None and other.hint != hint:
                    other.hint = hint
                    other.schedule(now, self.floor, self.rate.gap)
        self._wake.set()

    def wake(self) -> None:
        """Look again now (the run stopped waiting: the loop sees `stop` at once)."""
        self._wake.set()

    def close(self) -> None:
        """The run is over: the thread ends (it is not left polling an idle list)."""
        self._closed = True
        self._wake.set()
        if self._thread is not None and not self.stop.is_set():  # abandoned: exit at once
            self._thread.join(timeout=5)

    def _loop(self) -> None:
        try:
            while not (self.stop.is_set() or self._closed):
                with self._guard:
                    tickets = list(self.tickets.values())
                now = self.clock()
                pause = self.next_round(tickets, now) - now
                if pause > 0:
                    self._wake.wait(pause)
                    self._wake.clear()
                    continue  # woken early (a new operation, a stop) or time: look again
                # Operations due within a gap are read now too: one round, not two.
                self._round([t for t in tickets if t.next_at <= now + self.rate.gap], tickets)
        except Exception as exc:  # noqa: BLE001 - a bug here (or an answer it cannot read):
            with self._guard:  # every waiter raises it with its traceback, none waits for
                self.broken = exc  # hours for a thread that is gone, nor does a later watch
                for ticket in self.tickets.values():
                    ticket.error = exc
        finally:
            with self._guard:
                for ticket in self.tickets.values():
                    ticket.changed.set()  # abandoned or broken: every waiter wakes and sees it

    def next_round(self, tickets: list[Ticket], now: float) -> float:
        """When the next round starts: when the first operation is due, or as soon as the
        rate allows (with nothing in flight: in 5 s, unless woken)."""
        due = min((t.next_at for t in tickets), default=now + 5.0)
        return max(due, self.rate.earliest())

    def _round(self, due: list[Ticket], tickets: list[Ticket]) -> None:
        """Read the due operations' stacks (all of them when the read is batched) and wake
        those whose status changed."""
        asked = self.clock()
        try:
            found = self._read(due)
        except Exception as exc:  # noqa: BLE001 - handed to the waiting workers, who raise it
            if not (isinstance(exc, ClientError) and is_throttling(exc)):
                for ticket in due:  # unreachable, denied, or a bug: each waiter raises it
                    ticket.error = exc
                    ticket.changed.set()
            found = {}  # throttled: botocore's adaptive retries backed off; next round
        now = self.clock()
        self.rate.spend(now)  # (once answered: it reached CloudFormation by then)
        for ticket in tickets:
            if ticket.name not in found:
                if ticket in due:
                    ticket.schedule(now, self.floor, self.rate.gap)
                continue
            stack = found[ticket.name]
            status = stack["StackStatus"] if stack else "DELETE_COMPLETE"
            if not status.endswith("_IN_PROGRESS"):
                if ticket.took is None:  # it ended after the last look, and by now
                    ticket.took = (ticket.looked - ticket.started, now - ticket.started)
            else:
                ticket.looked = asked
            ticket.schedule(now, self.floor, self.rate.gap)  # (after its latest look)
            if status != ticket.status:
                ticket.stack, ticket.status, ticket.gone = stack, status, stack is None
                ticket.changed.set()

    def _read(self, due: list[Ticket]) -> dict[str, dict[str, Any] | None]:
        """The due stacks by name: one batched read, or one read each when fewer calls."""
        if len(due) < self.pages + 1:
            return {t.name: self._one(t.key) for t in due}
        found: dict[str, dict[str, Any] | None] = {}
        pages = 0
        for page in self.cfn.get_paginator("describe_stacks").paginate():
            pages += 1
            for stack in page["Stacks"]:
                found[stack["StackName"]] = stack
        self.calls += pages
        self.pages = pages
        for ticket in due:  # not listed: deleted, or just created (not visible yet): ask
            if ticket.name not in found:
                found[ticket.name] = None if ticket.deleting else self._one(ticket.key)
        return found

    def _one(self, key: str) -> dict[str, Any] | None:
        self.calls += 1
        return describe_one(self.cfn, key)
