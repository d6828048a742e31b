"""The router's worker threads: slow deliveries do not hold the others, failures are logged."""
from __future__ import annotations

import logging
import threading
import time

from ws.local.events.router import Router


def test_slow_deliveries_run_side_by_side_and_a_failure_is_one_log_line(caplog):
    router = Router(workers=2).start()
    done: list[int] = []
    release = threading.Event()
    try:
        for n in range(12):  # twelve functions busy at once, as AWS would run them
            router.submit(f"slow {n}", lambda n=n: (release.wait(5), done.append(n)))
        router.submit("broken", lambda: 1 / 0)
        fast = threading.Event()
        router.submit("fast", fast.set)
        assert fast.wait(2), "a quick delivery waited behind slow ones"
        release.set()
        deadline = time.monotonic() + 5
        while len(done) < 12 and time.monotonic() < deadline:
            time.sleep(0.01)
    finally:
        router.stop()
    assert sorted(done) == list(range(12))
    assert any("broken: not delivered: ZeroDivisionError" in r.getMessage()
               for r in caplog.records if r.levelno == logging.WARNING)


def test_later_runs_after_its_delay():
    router = Router(workers=1).start()
    ran = threading.Event()
    started = time.monotonic()
    try:
        router.later(0.2, "later", ran.set)
        assert ran.wait(2)
    finally:
        router.stop()
    assert time.monotonic() - started >= 0.2


def test_a_burst_is_served_by_at_most_max_workers():
    router = Router(workers=2, max_workers=8).start()
    try:
        done = threading.Semaphore(0)
        for _ in range(50):
            router.submit("quick", done.release)
        for _ in range(50):
            assert done.acquire(timeout=2)
    finally:
        router.stop()
    assert 2 <= len(router._threads) <= 8


def test_work_in_one_lane_runs_in_order_other_lanes_alongside():
    router = Router(workers=4).start()
    order: list[str] = []
    finished = threading.Semaphore(0)

    def step(name: str, seconds: float):
        def run():
            time.sleep(seconds)
            order.append(name)
            finished.release()
        return run

    try:
        for n, seconds in enumerate((0.3, 0.2, 0.1, 0.0)):  # later ones are quicker
            router.submit(f"a{n}", step(f"a{n}", seconds), lane="group-a")
        router.submit("b0", step("b0", 0.0), lane="group-b")
        for _ in range(5):
            assert finished.acquire(timeout=5)
    finally:
        router.stop()
    assert [name for name in order if name.startswith("a")] == ["a0", "a1", "a2", "a3"]
    assert order.index("b0") < order.index("a0")  # another lane did not wait
