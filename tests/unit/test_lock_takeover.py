"""A waiter's judgement of the locks it waits for, on literal holders and a clock the test
moves: a killed run's locks, all read at once, lapse together after one lease (not one lease
per lock); a holder proven gone from this host is taken over at once; a lock renewed, or
first read later, gets a whole lease from then."""
from __future__ import annotations

from dataclasses import replace

from ws.cloud.lockholder import Holder
from ws.cloud.takeover import GONE, Watch

DEAD = Holder(user="ci", host="runner-7", pid=4242, since=1000.0, lease=6.0, space="b/pid:[1]")
KEYS = [f"demo/bench/s{i:02d}" for i in range(40)]


def locks_of(holder: Holder, keys: list[str], version: str = "v1") -> list[Holder]:
    return [replace(holder, key=key, version=f"{version}-{key}") for key in keys]


def never_dead(holder: Holder) -> bool:
    return False


def test_forty_locks_of_a_killed_run_lapse_together_after_one_lease():
    watch = Watch(proven_dead=never_dead)
    held = locks_of(DEAD, KEYS)
    watch.look_all(held, now=100.0)  # one read of every lock the run waits for
    assert [watch.verdict(lock, now=105.9) for lock in held] == [""] * 40
    # the waiter took the first locks one by one: the last is judged at 106.5, still one lease
    assert {watch.verdict(lock, now=106.0 + i / 80) for i, lock in enumerate(held)} == \
        {"not renewed for 6 s"}


def test_a_lock_renewed_meanwhile_gets_a_whole_lease_again():
    watch = Watch(proven_dead=never_dead)
    first, second = locks_of(DEAD, KEYS[:2])
    watch.look_all([first, second], now=100.0)
    renewed = replace(second, version="v2")
    assert watch.verdict(first, now=106.0) == "not renewed for 6 s"
    assert watch.verdict(renewed, now=106.0) == ""  # the run is alive after all
    assert watch.verdict(renewed, now=111.9) == ""
    assert watch.verdict(renewed, now=112.0) == "not renewed for 6 s"


def test_a_lock_first_read_later_is_watched_a_lease_from_then():
    watch = Watch(proven_dead=never_dead)
    watch.look_all(locks_of(DEAD, KEYS[:1]), now=100.0)
    late = locks_of(DEAD, KEYS[1:2])[0]  # not in the first read
    assert watch.verdict(late, now=106.0) == ""
    assert watch.verdict(late, now=112.0) == "not renewed for 6 s"


def test_the_holders_own_lease_is_used_not_the_waiters():
    watch = Watch(proven_dead=never_dead)
    lock = replace(locks_of(DEAD, KEYS[:1])[0], lease=60.0)
    watch.look_all([lock], now=0.0)
    assert watch.verdict(lock, now=59.9) == ""
    assert watch.verdict(lock, now=60.0) == "not renewed for 60 s"


def test_a_holder_proven_gone_from_this_host_is_taken_over_at_once():
    asked: list[int] = []
    watch = Watch(proven_dead=lambda holder: asked.append(holder.pid) or holder.pid == 4242)
    held = locks_of(DEAD, KEYS[:3])
    assert [watch.verdict(lock, now=0.0) for lock in held] == [GONE] * 3
    alive = replace(held[0], pid=5, key="demo/bench/other")
    assert watch.verdict(alive, now=0.0) == ""


def test_a_takeover_is_said_once_per_run_not_per_lock():
    watch = Watch(proven_dead=never_dead)
    held = locks_of(DEAD, KEYS[:3])
    other = replace(DEAD, pid=9, key="demo/bench/x")
    assert [watch.first_of_run(lock) for lock in held] == [True, False, False]
    assert watch.first_of_run(other) is True


def test_the_dead_runs_next_locks_are_taken_with_the_first_up_to_another_runs():
    """After the first lock of a dead run is taken over, the ones that follow it in sorted
    order go with it (one transaction, each at the version read), up to the first lock of
    another run or one not lapsed: taking past it would break the order that keeps two
    runs from deadlocking."""
    watch = Watch(proven_dead=never_dead)
    held = locks_of(DEAD, KEYS[:6])
    held[4] = replace(held[4], pid=5)  # another run holds the fifth
    watch.look_all(held, now=100.0)
    assert watch.lapsed_with(held[0], KEYS[1:6], now=103.0) == {}  # not lapsed yet
    assert watch.lapsed_with(held[0], KEYS[1:6], now=106.0) == {
        key: f"v1-{key}" for key in KEYS[1:4]}
    watch.look(replace(held[2], version="v2"), now=106.0)  # the third was renewed after all
    assert list(watch.lapsed_with(held[0], KEYS[1:6], now=106.0)) == KEYS[1:2]
