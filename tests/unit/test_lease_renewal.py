"""A lease runs from the write that took the lock: when renewals fail from the start, the lock
is counted lost a whole lease after it was taken (a waiter may take it over from then on), not
a lease after the first renewal that failed."""
from __future__ import annotations

import threading
import time

from botocore.exceptions import EndpointConnectionError
from ws.cloud.leases import Lease, _heartbeat

TTL = 30.0


class Unreachable:
    """A lock table that cannot be reached, on a clock the test moves."""

    def __init__(self) -> None:
        self.now = 100.0
        self.renewals = 0

    def monotonic(self) -> float:
        return self.now

    def renew_all(self, keys, token, ttl):
        self.renewals += 1
        raise EndpointConnectionError(endpoint_url="https://dynamodb.example")

    def renew(self, key, token, ttl):
        raise EndpointConnectionError(endpoint_url="https://dynamodb.example")


class Beats:
    """The heartbeat's pauses: each moves the table's clock by the pause instead of sleeping;
    `lease.problem()` is read at each (problems[k]: after k beats, at 100 + 10k s)."""

    def __init__(self, table: Unreachable, lease: Lease, beats: int) -> None:
        self.table, self.lease, self.left, self.problems = table, lease, beats, []

    def is_set(self) -> bool:
        return False

    def wait(self, timeout: float) -> bool:
        self.problems.append(self.lease.problem())
        if not self.left:
            return True
        self.left -= 1
        self.table.now += timeout
        return False


def test_a_lock_never_renewed_is_lost_a_lease_after_it_was_taken():
    table, lease = Unreachable(), Lease()
    lease.add(["demo/local/db"], asked=100.0)
    beats = Beats(table, lease, 3)
    _heartbeat(table, lease, "token", TTL, beats)  # beats at 110, 120, 130: all fail
    assert table.renewals == 3
    assert beats.problems[:3] == ["", "", ""]  # before the beat at 130 s
    assert "demo/local/db (could not be renewed for 30 s)" in beats.problems[3]


def test_a_lock_taken_later_counts_from_when_it_was_taken():
    table, lease = Unreachable(), Lease()
    lease.add(["demo/local/a"], asked=100.0)
    lease.add(["demo/local/b"], asked=125.0)  # waited for another run's lock meanwhile
    beats = Beats(table, lease, 6)
    _heartbeat(table, lease, "token", TTL, beats)  # beats at 110 ... 160
    assert "demo/local/a" in beats.problems[3] and "demo/local/b" not in beats.problems[5]
    assert "demo/local/b" in beats.problems[6]  # at 160: 125 + 30 has passed


class Hanging(Unreachable):
    """A lock table whose renewals hang in their call (a black-holed route) until released."""

    def __init__(self) -> None:
        super().__init__()
        self.release = threading.Event()

    def renew_all(self, keys, token, ttl):
        self.renewals += 1
        self.release.wait(30)
        raise EndpointConnectionError(endpoint_url="https://dynamodb.example")


def test_a_lease_lapses_while_its_renewal_still_hangs():
    """The run learns a lock lapsed when a whole lease passed since the write that last held
    it, by the clock, not when a hanging renewal call finally fails."""
    table = Hanging()
    lease = Lease(TTL, table.monotonic)
    lease.add(["demo/local/db"], asked=100.0)
    stop = threading.Event()
    beat = threading.Thread(target=_heartbeat, args=(table, lease, "token", 0.03, stop),
                            daemon=True)
    beat.start()
    while not table.renewals:  # the heartbeat is now in a call that does not return
        time.sleep(0.01)
    table.now = 129.0
    assert lease.problem() == ""
    table.now = 130.0
    assert "demo/local/db (not renewed for 30 s)" in lease.problem()
    stop.set()
    table.release.set()
    beat.join(5)
    assert not beat.is_alive()


def test_an_unreachable_lock_table_is_not_tried_lock_by_lock_at_the_end(caplog):
    """Releasing 40 locks one by one on a table that cannot be reached cost minutes of
    retries; the locks lapse by themselves (the next run takes them over)."""
    from ws.cloud.leases import _release

    class Gone:
        calls = 0

        def release_all(self, keys, token):
            self.calls += 1
            raise EndpointConnectionError(endpoint_url="https://dynamodb.example")

        def release(self, key, token):
            self.calls += 1
            raise EndpointConnectionError(endpoint_url="https://dynamodb.example")
    table = Gone()
    _release(table, [f"demo/bench/s{i:02d}" for i in range(40)], "token")
    assert table.calls == 1
    assert "40 lock(s) not given back: the lock table cannot be reached" in caplog.text
