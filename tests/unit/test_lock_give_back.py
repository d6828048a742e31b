"""A stack the run is done with gives its lock back before the run ends (in the background,
a conditional delete each); its lock is no longer renewed nor counted lost, and what is still
held goes back at the end, in one transaction. A failed stack keeps its lock until the end."""
from __future__ import annotations

import threading

from ws.cloud.leases import Lease, hold
from ws.cloud.stackops import StackResult
from ws.engine.stackrun import settled


class Table:
    """A lock table in memory: every lock is free; what was taken and given back, in order."""

    def __init__(self) -> None:
        self.held: set[str] = set()
        self.releases: list[list[str]] = []
        self.released = threading.Event()

    def monotonic(self) -> float:
        return 0.0

    clock = monotonic

    def acquire_all(self, keys, holder, token, ttl):
        self.held.update(keys)
        return True

    def renew_all(self, keys, token, ttl):
        return all(k in self.held for k in keys)

    def release_all(self, keys, token):
        self.held.difference_update(keys)
        self.releases.append(list(keys))
        self.released.set()
        return True

    def release(self, key, token):
        self.release_all([key], token)


def test_a_lock_given_back_is_released_before_the_run_ends():
    table = Table()
    with hold(table, ["demo/dev/a", "demo/dev/b", "demo/dev/c"], timeout=0, ttl=60) as lease:
        lease.give_back(["demo/dev/a"])
        assert table.released.wait(5), "not given back while the run goes on"
        assert table.held == {"demo/dev/b", "demo/dev/c"}
        assert lease.held() == ["demo/dev/b", "demo/dev/c"] and lease.problem() == ""
        lease.give_back(["demo/dev/a"])  # (twice: nothing more)
    assert table.releases == [["demo/dev/a"], ["demo/dev/b", "demo/dev/c"]]
    assert table.held == set()


def test_without_a_hold_nothing_is_given_back_early():
    lease = Lease()
    lease.add(["demo/dev/a"], asked=0.0)
    lease.give_back(["demo/dev/a"])
    assert lease.held() == ["demo/dev/a"]  # released with the rest, by whoever holds it


def test_a_stack_is_done_once_it_succeeded_not_when_it_failed():
    class Ops:
        def report_events(self, stack_name):
            pass
    done: list[str] = []
    settled(Ops(), "s", lambda: StackResult("created", "CREATE_COMPLETE", {}),
            lambda: done.append("ok"))
    settled(Ops(), "s", lambda: StackResult("created", "CREATE_FAILED", {}, ok=False),
            lambda: done.append("failed"))
    assert done == ["ok"]


def test_locks_are_handed_to_the_giver_before_the_end_can_close_it():
    """A stack the run stopped waiting for (a second Ctrl-C) may finish while the hold ends:
    its keys leave the lease and reach the giver in one step under the lease's guard, which
    the end takes to close the giver, so they are released by one or the other, never
    dropped in between."""
    lease = Lease()
    lease.add(["demo/dev/a"], asked=0.0)
    guarded: list[bool] = []

    class Giver:
        def give(self, keys):
            guarded.append(lease._guard.locked())
    lease._giver = Giver()
    lease.give_back(["demo/dev/a"])
    assert guarded == [True] and lease.held() == []


def test_locks_go_back_one_delete_each_during_the_run_and_in_one_transaction_at_the_end():
    """A waiter needs just that lock, and a conditional delete is cheaper than a transaction
    (DynamoDB bills a transaction twice); what is still held at the end goes in one."""
    table = Table()
    calls: list[str] = []
    table.release = lambda key, token: calls.append(f"delete {key}") or \
        Table.release_all(table, [key], token)
    with hold(table, ["demo/dev/a", "demo/dev/b", "demo/dev/c"], timeout=0, ttl=60) as lease:
        lease.give_back(["demo/dev/a"])
        assert table.released.wait(5)
    assert calls == ["delete demo/dev/a"]
    assert table.releases == [["demo/dev/a"], ["demo/dev/b", "demo/dev/c"]]


def test_locks_the_giver_could_not_give_back_go_back_at_the_end():
    from botocore.exceptions import EndpointConnectionError

    table = Table()
    tried = threading.Event()

    def unreachable(key, token):
        tried.set()
        raise EndpointConnectionError(endpoint_url="https://dynamodb.example")
    table.release = unreachable
    with hold(table, ["demo/dev/a", "demo/dev/b"], timeout=0, ttl=60) as lease:
        lease.give_back(["demo/dev/a"])
        assert tried.wait(5)
    assert table.releases == [["demo/dev/a", "demo/dev/b"]] and table.held == set()
