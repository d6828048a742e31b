"""The asynchronous path (operations stay *_IN_PROGRESS for their latency, as on CloudFormation):
one watcher for every stack in flight, failure isolation, the run's phases and progress."""
from __future__ import annotations

import time

import networkx as nx
import pytest
from ws.cloud.looks import Ticket
from ws.config.environment import load_environment
from ws.config.workspace import load_workspace
from ws.engine.flow import deploy_env as deploy
from ws.engine.flow import destroy_env as destroy
from ws.engine.progress import Tracker
from ws.engine.request import Observer, RunRequest
from ws.report.html import render_html
from ws.testing.fakecloud import FakeCloud
from ws.testing.workspaces import chain_files, queue_template, write_tree

LATENCY = 0.3  # small: these tests must stay fast
# a -> b -> c, and x, y, z on their own.
FILES = chain_files("x", "y", "z")


@pytest.fixture
def world(tmp_path):
    write_tree(tmp_path, FILES)
    ws = load_workspace(tmp_path)
    return ws, load_environment(ws, "local")


def cloud_of(**options) -> FakeCloud:
    return FakeCloud(asynchronous=True, default_latency=LATENCY, **options)


def statuses(report):
    return {s.stack: s.status for s in report.stacks}


@pytest.mark.parametrize("change_sets", [False, True])
def test_a_stack_failing_after_its_latency_blocks_only_its_dependents(world, change_sets):
    cloud = cloud_of(fail={"demo-local-b"})
    started = time.monotonic()
    report = deploy(*world, cloud.backend(change_sets=change_sets), RunRequest())
    assert statuses(report) == {"a": "deployed", "b": "failed", "c": "blocked",
                                "x": "deployed", "y": "deployed", "z": "deployed"}
    assert "injected resource failure" in {s.stack: s.reason for s in report.stacks}["b"]
    # a then b, each LATENCY long: the watcher sees them end within a few of its rounds
    assert time.monotonic() - started < 2 * LATENCY + 2.0


def test_one_batched_read_a_round_and_events_only_when_the_status_changes(world):
    """Six stacks in flight at once cost one DescribeStacks a round, not one each; events are
    read once per operation (when it ends), not on every look."""
    cloud = cloud_of()
    report = deploy(*world, cloud.backend(), RunRequest())
    assert report.ok
    assert cloud.calls["DescribeStackEvents"] == 6  # one per operation
    # the live read, 6 event reads (the fake counts a DescribeStacks in each), 3 levels of
    # LATENCY with no history: a round every 0.2 s for the first, then looks set by the
    # shortest operation seen; per-stack polling would be one read per stack and look
    assert cloud.calls["DescribeStacks"] <= 1 + 6 + 8, cloud.calls


def test_the_duration_history_sets_the_cadence(world):
    """A run records how long CloudFormation's operations took; the next one looks near
    each stack's expected end, a few times, not on a fixed beat."""
    from ws.engine.durations import load_durations

    cloud = cloud_of()
    cloud.default_latency = 0.4
    deploy(*world, cloud.backend(), RunRequest())
    took = load_durations(world[0].state_dir, "local", "create-update")
    # the middle of the window in which each was seen to end (0.2 s wide at most)
    assert set(took) == set("abcxyz") and all(0.3 <= s < 1.2 for s in took.values()), took
    (world[0].root / "stacks/a/template.yaml").write_text(queue_template({"Out": "v2"}))
    before = cloud.calls["DescribeStacks"]
    report = deploy(load_workspace(world[0].root), world[1], cloud.backend(),
                    RunRequest(changed=True))
    assert statuses(report)["a"] == statuses(report)["b"] == "deployed"
    # two live reads, three event reads (the fake counts a DescribeStacks in each), and for
    # a, b and c one after the other: the looks that halve the window around the expected
    # time, one at its end, and at most one more
    assert cloud.calls["DescribeStacks"] - before <= 2 + 3 + 3 * 5, cloud.calls


def test_the_report_accounts_for_the_work_before_the_first_stack(world):
    report = deploy(*world, cloud_of().backend(), RunRequest())
    names = [p.name for p in report.phases]
    assert names[:3] == ["locks", "live-state read", "plan"]
    assert "packaging and builds" in names and names[-1] == "lock release"
    first_stack = min(s.started for s in report.stacks if s.started)
    assert report.started <= min(p.started for p in report.phases) < first_stack
    assert report.ended >= max(p.ended for p in report.phases)
    page = render_html(report)
    assert "live-state read" in page and "packaging and builds" in page


def test_progress_is_told_while_the_run_goes_on(world):
    seen = []
    report = deploy(*world, cloud_of().backend(), RunRequest(), Observer(on_progress=seen.append))
    assert report.ok and seen
    assert (seen[-1].done, seen[-1].running, seen[-1].waiting, seen[-1].failed) == (6, 0, 0, 0)
    assert any(p.running for p in seen) and seen[0].waiting > 0


def test_the_estimate_is_the_longest_remaining_path():
    dag = nx.DiGraph([("a", "b"), ("b", "c"), ("x", "c")])
    now = [100.0]
    tracker = Tracker(dag, {"a": 10, "b": 20, "c": 5, "x": 1}, 100.0, lambda: now[0])
    assert tracker.progress().eta == 35
    tracker.start("a")
    now[0] = 104.0
    progress = tracker.progress()
    assert progress.eta == 31 and progress.running == 1 and progress.waiting == 3
    tracker.finish("a", True)
    tracker.start("b")
    now[0] = 130.0  # b overruns its history: nothing left of it; x (not started) then c
    assert tracker.progress().eta == 6
    assert "1 done, 1 running, 2 waiting, 0 failed" in tracker.progress().line()


def test_stacks_blocked_by_a_failure_count_as_failed_not_waiting():
    dag = nx.DiGraph([("a", "b"), ("b", "c"), ("x", "c")])
    now = [100.0]
    tracker = Tracker(dag, {"a": 10, "b": 20, "c": 5, "x": 1}, 100.0, lambda: now[0])
    tracker.start("a")
    tracker.start("x")
    now[0] = 110.0
    tracker.finish("a", False)  # b and c will never start
    progress = tracker.progress()
    assert (progress.done, progress.running, progress.waiting, progress.failed) == (0, 1, 0, 3)
    assert progress.eta == 0  # only x's overrun is left


def test_no_estimate_without_history():
    tracker = Tracker(nx.DiGraph([("a", "b")]), {}, 0.0, lambda: 1.0)
    assert tracker.progress().eta is None and "left" not in tracker.progress().line()


def test_the_cadence_halves_the_expected_window_then_looks_soon_after_then_less_often():
    """With a history of 10 s: looks halve what is left of 9-10.05 s (each look that finds it
    running rules out the time before it) down to 1% of it, then its end; overrunning, a look
    a gap after, then as long after as it has overrun, up to every floor, then less often."""
    ticket = Ticket("s", "s", started=0.0, expected=10.0)
    looks = []
    ticket.schedule(0.0, 0.2, 0.04)
    while ticket.next_at < 10.05:
        looks.append(ticket.next_at)
        ticket.looked = ticket.next_at  # still running
        ticket.schedule(ticket.next_at, 0.2, 0.04)
    assert looks == pytest.approx([9.525, 9.7875, 9.91875, 9.984375])
    assert ticket.next_at == pytest.approx(10.05)  # the end of the window
    overrun = []
    for _ in range(6):
        ticket.schedule(ticket.next_at, 0.2, 0.04)
        overrun.append(ticket.next_at)
    assert overrun == pytest.approx([10.09, 10.13, 10.21, 10.37, 10.57, 10.77])
    ticket.schedule(13.0, 0.2, 0.04)
    assert ticket.next_at == pytest.approx(13.75)  # then less and less often
    ticket.schedule(100.0, 0.2, 0.04)
    assert ticket.next_at == 105.0  # long overdue: every 5 s at most
    unknown = Ticket("s", "s", started=0.0, expected=None)
    unknown.schedule(0.0, 0.2, 0.04)
    assert unknown.next_at == 0.2  # no history: every floor at first
    unknown.schedule(30.0, 0.2, 0.04)
    assert unknown.next_at == 33.0  # then less and less often


def test_without_history_the_shortest_operation_seen_sets_the_looks():
    """No history: the window in which this run's shortest operation was seen to end (its
    last two reads) is halved, then its end is looked at, then soon after."""
    ticket = Ticket("s", "s", started=10.0, expected=None, hint=(1.9, 2.1))
    looks = []
    ticket.schedule(10.0, 0.2, 0.04)
    while ticket.next_at < 12.11:
        looks.append(ticket.next_at)
        ticket.looked = ticket.next_at  # still running
        ticket.schedule(ticket.next_at, 0.2, 0.04)
    assert looks == pytest.approx([12.005, 12.0575, 12.08375])  # halving 1.9-2.11 s
    assert ticket.next_at == pytest.approx(12.11)  # narrow enough: its end
    ticket.schedule(12.11, 0.2, 0.04)
    assert ticket.next_at == pytest.approx(12.15)  # still running: soon after
    ended_unseen = Ticket("s", "s", started=0.0, expected=None, hint=(0.0, 2.0))
    ended_unseen.schedule(0.0, 0.2, 0.04)
    assert ended_unseen.next_at == pytest.approx(1.005)  # the middle of 0-2.01 s
    narrow = Ticket("s", "s", started=0.0, expected=None, hint=(2.0, 2.015))
    narrow.schedule(1.9, 0.2, 0.04)
    assert narrow.next_at == pytest.approx(2.025)  # too narrow to halve: its end


def test_operations_as_long_as_each_other_are_seen_end_sooner_and_sooner():
    """No history (a chain's first deploy): each operation seen end narrows the window in
    which the next is looked for, so the hand-overs of a chain of equal stacks get quicker."""
    from ws.cloud.watcher import Watcher

    now, ends, lags = [0.0], {}, []

    class Cfn:
        def describe_stacks(self, StackName):
            done = now[0] >= ends[StackName]
            return {"Stacks": [{"StackName": StackName, "StackStatus":
                                "CREATE_COMPLETE" if done else "CREATE_IN_PROGRESS"}]}

    watcher = Watcher(Cfn(), clock=lambda: now[0])
    for k in range(8):
        name, start = f"s{k}", now[0]
        ends[name] = start + 2.0 + 0.007  # (the call took 7 ms to return)
        ticket = Ticket(name, name, start, None, hint=watcher._hint(), looked=start)
        ticket.schedule(start, watcher.floor)
        looks = 0
        while ticket.took is None:
            now[0] = ticket.next_at
            watcher._round([ticket], [ticket])
            looks += 1
        lags.append(now[0] - ends[name])
        watcher.tickets[id(ticket)] = ticket
        watcher.done(ticket)
        assert k == 0 or looks <= 5  # halving the window, its end, one more
    assert lags[0] > 0.05 and lags[1] > 0.05  # the floor's cadence, then one window's end
    assert max(lags[-3:]) < 0.03 and lags[-1] < lags[1] / 4, lags


def test_operations_of_different_lengths_give_no_hint_and_the_ones_in_flight_are_replanned():
    """Operations seen end at clearly different times (D drawn from 1-5 s): a new one may be
    shorter than any of them, so it is looked at every floor from its start, not first at 90%
    of the shortest. The operations already in flight are planned again when one ends."""
    from ws.cloud.watcher import Watcher

    now = [10.0]
    watcher = Watcher(object(), clock=lambda: now[0])
    watcher.finished = [(2.3, 2.5), (2.45, 2.6)]  # within 10%: a hint
    assert watcher._hint() == (2.45, 2.5)
    flying = Ticket("orders", "orders", started=9.5, expected=None, hint=watcher._hint(),
                    looked=9.5)
    flying.schedule(10.0, watcher.floor)
    assert flying.next_at == pytest.approx(9.5 + (2.45 + 2.51) / 2)  # its middle
    longer = Ticket("auth", "auth", started=7.0, expected=None, took=(3.1, 3.3))
    watcher.tickets = {id(flying): flying, id(longer): longer}
    watcher.done(longer)  # 3.1 s > 1.1 x 2.5 s: they differ
    assert watcher._hint() is None and flying.hint is None
    assert flying.next_at == pytest.approx(10.2)  # from now on, every floor
    watcher.close()


def test_the_watcher_learns_when_an_operation_ended_from_its_reads():
    """An operation's duration is bracketed by the last read that found it in progress and
    the read that found it ended (not by when its worker got round to it)."""
    from ws.cloud.watcher import Watcher

    now = [100.0]
    stacks = {"s": {"StackName": "s", "StackStatus": "CREATE_IN_PROGRESS"}}

    class Cfn:
        def describe_stacks(self, StackName):
            return {"Stacks": [stacks["s"]]}

    watcher = Watcher(Cfn(), clock=lambda: now[0])
    ticket = Ticket("s", "s", started=100.0, expected=None, looked=100.0)
    watcher.tickets[id(ticket)] = ticket
    now[0] = 101.0
    watcher._round([ticket], [ticket])
    assert ticket.took is None and ticket.looked == 101.0
    stacks["s"] = {"StackName": "s", "StackStatus": "CREATE_COMPLETE"}
    now[0] = 101.2
    watcher._round([ticket], [ticket])
    assert ticket.took == pytest.approx((1.0, 1.2)) and ticket.changed.is_set()
    now[0] = 105.0  # the worker reads events, then is done: its duration is not 5 s
    watcher.done(ticket)  # the next run's history: the middle of its window
    assert watcher.took == {"s": 1.1} and watcher.finished == [pytest.approx((1.0, 1.2))]
    # An operation's time starts when it was asked for, not when the call returned.
    later = watcher.watch("s", "s", since=104.5)
    assert later.started == later.looked == 104.5
    watcher.close()


def test_the_watcher_thread_ends_with_the_run(world):
    import threading

    deploy(*world, cloud_of().backend(), RunRequest())
    assert not [t for t in threading.enumerate() if t.name == "ws-watcher"]


def test_a_read_that_fails_fails_the_waiting_stacks_not_the_watcher(world):
    """The endpoint unreachable while stacks are in flight: each waiting stack fails with the
    error (no wait for hours), and the run ends."""
    from botocore.exceptions import EndpointConnectionError

    cloud = cloud_of()
    cfn = cloud.client("cloudformation")
    original = cfn.describe_stacks

    def describe(StackName=None):
        if StackName is None and cloud.pending:
            raise EndpointConnectionError(endpoint_url="https://cloudformation.example")
        return original(StackName)
    cfn.describe_stacks = describe
    backend = cloud.backend()
    import dataclasses
    backend = dataclasses.replace(backend, make_client=lambda service: cfn
                                  if service == "cloudformation" else cloud.client(service))
    started = time.monotonic()
    report = deploy(*world, backend, RunRequest())
    assert statuses(report)["a"] == "failed" and statuses(report)["c"] == "blocked"
    assert "Could not connect" in {s.stack: s.reason for s in report.stacks}["a"]
    assert time.monotonic() - started < 10


def test_deleted_stacks_are_seen_gone_from_the_batched_read(world):
    """A stack that left the list after its delete is deleted: no read of it alone."""
    cloud = cloud_of()
    deploy(*world, cloud.backend(), RunRequest())
    before = cloud.calls["DescribeStacks"]
    report = destroy(*world, cloud.backend(), RunRequest())
    assert report.ok and cloud.stacks == {}
    # the live read, 6 event reads (the fake counts a DescribeStacks in each), and the
    # watcher's rounds: c, x, y, z together (two), then b and a (two each: the middle and
    # the end of the window in which the first ones ended); never a read of each deleted stack
    assert cloud.calls["DescribeStacks"] - before <= 1 + 6 + 6, cloud.calls
    assert (world[0].state_dir / "durations" / "local.delete.json").exists()


def test_a_bug_in_the_watcher_fails_the_waiting_stacks_at_once_not_after_hours(world):
    """The watcher's thread meets an answer it cannot read (here: a stack with no status):
    every stack waiting on it fails with that error and its traceback (a bug keeps it), and
    so does a stack watched after the thread is gone."""
    cloud = cloud_of()
    cfn = cloud.client("cloudformation")
    original = cfn.describe_stacks

    def describe(StackName=None):
        answer = original(StackName)
        if cloud.pending:
            answer = {"Stacks": [{k: v for k, v in s.items() if k != "StackStatus"}
                                 for s in answer["Stacks"]]}
        return answer
    cfn.describe_stacks = describe
    import dataclasses
    backend = dataclasses.replace(cloud.backend(), make_client=lambda service: cfn
                                  if service == "cloudformation" else cloud.client(service))
    started = time.monotonic()
    report = deploy(*world, backend, RunRequest())
    failed = {s.stack: s for s in report.stacks if s.status == "failed"}
    assert {"a", "x", "y", "z"} <= set(failed) and statuses(report)["c"] == "blocked"
    assert "unexpected KeyError" in failed["a"].reason and "a bug in ws" in failed["a"].reason
    assert "StackStatus" in failed["a"].traceback and "watcher.py" in failed["a"].traceback
    assert time.monotonic() - started < 10


def test_a_watch_after_the_watcher_broke_fails_at_once():
    from ws.cloud.watcher import Watcher

    class Cfn:
        def describe_stacks(self, StackName):
            return {"Stacks": [{"StackName": "s"}]}  # no status: the watcher cannot read it

    watcher = Watcher(Cfn(), floor=0.01)
    first = watcher.watch("s", "s")
    assert first.changed.wait(5) and isinstance(first.error, KeyError)
    later = watcher.watch("t", "t")
    assert later.changed.is_set() and later.error is first.error
    watcher.close()


def slow_events(cloud: FakeCloud, seconds: float, fail: bool = False):
    """The cloud's backend, its DescribeStackEvents taking `seconds` (or failing after them)
    and noting the CreateStack/DeleteStack calls made meanwhile."""
    import dataclasses

    from botocore.exceptions import EndpointConnectionError

    cfn = cloud.client("cloudformation")
    original, during = cfn.describe_stack_events, []

    def describe(StackName):
        before = cloud.calls["CreateStack"] + cloud.calls["DeleteStack"]
        time.sleep(seconds)
        during.append(cloud.calls["CreateStack"] + cloud.calls["DeleteStack"] - before)
        if fail:
            raise EndpointConnectionError(endpoint_url="https://cloudformation.example")
        return original(StackName)
    cfn.describe_stack_events = describe
    return dataclasses.replace(cloud.backend(), make_client=lambda service: cfn
                               if service == "cloudformation" else cloud.client(service)), during


@pytest.mark.parametrize("destroying", [False, True])
def test_dependents_start_while_a_finished_stack_events_are_read(world, destroying):
    """The events of a stack that succeeded are read after its dependents have started (a
    read less in each hand-over), and still reported before the stack's own finish line."""
    cloud = cloud_of()
    if destroying:
        deploy(*world, cloud.backend(), RunRequest())
    backend, during = slow_events(cloud, 0.4)
    lines = []
    observer = Observer(on_event=lambda stack, message: lines.append((stack, message)),
                        on_finish=lambda report: lines.append((report.stack, "finished")))
    run = destroy if destroying else deploy
    report = run(*world, backend, RunRequest.of(("a", "b", "c")), observer)
    assert report.ok
    assert during[0] >= 1 and during[1] >= 1  # the chain's next stack started during each
    for name in ("a", "b", "c"):
        mine = [m for s, m in lines if s == name]
        events = [m for m in mine if m.startswith(f"demo-local-{name} ")]  # its own events
        assert events and mine[-1] == "finished" and mine.index(events[-1]) < len(mine) - 1
    first, second = ("c", "b") if destroying else ("a", "b")
    stacks = {s.stack: s for s in report.stacks}
    assert stacks[first].ended <= stacks[second].started  # it ended when CloudFormation did


def test_events_that_cannot_be_read_after_a_success_do_not_fail_the_stack(world):
    cloud = cloud_of()
    backend, _ = slow_events(cloud, 0.0, fail=True)
    lines = []
    report = deploy(*world, backend, RunRequest.of(("a", "b")),
                    Observer(on_event=lambda stack, message: lines.append((stack, message))))
    assert report.ok and statuses(report) == {"a": "deployed", "b": "deployed"}
    assert ("a", "its events could not be read: Could not connect to the endpoint URL: "
            "\"https://cloudformation.example\"") in lines


def test_no_second_holds_more_rounds_than_the_rate_yet_looks_come_close_near_an_end():
    """CloudFormation allows an account 5 DescribeStacks a second: however close together the
    operations in flight are expected to end, no second holds more than 1/floor rounds. Within
    that, rounds come closer than a floor (a gap apart) where ends are expected."""
    from types import SimpleNamespace

    from ws.cloud.watcher import Watcher, cadence

    names = [f"s{n}" for n in range(5)]

    class Cfn:
        def __init__(self):
            self.asked: list[float] = []  # when each read was made

        def describe_stacks(self, StackName=None):
            self.asked.append(time.monotonic())
            return {"Stacks": [{"StackName": n, "StackStatus": "CREATE_IN_PROGRESS"}
                               for n in names if StackName in (None, n)]}

        def get_paginator(self, name):
            return SimpleNamespace(paginate=lambda: [self.describe_stacks()])

    cfn = Cfn()
    expected = {n: 0.3 + 0.01 * i for i, n in enumerate(names)}  # ends 10 ms apart
    watcher = Watcher(cfn, cadence(expected), floor=0.1)
    for name in names:
        watcher.watch(name, name)
    time.sleep(1.5)
    watcher.close()
    asked = cfn.asked
    gaps = [b - a for a, b in zip(asked, asked[1:])]
    assert min(gaps) >= 0.04 - 0.005 and min(gaps) < 0.1 - 0.005, gaps  # closer than a floor
    in_a_second = max(sum(1 for b in asked if a <= b < a + 1.0) for a in asked)
    assert len(asked) > 10 and in_a_second <= 10, (asked, in_a_second)


def test_progress_does_not_sort_the_graph_each_time(monkeypatch):
    """The scheduler asks for progress at every start and finish, on its own thread, before it
    starts the next stack: the graph's order is worked out once, not at every ask."""
    dag = nx.DiGraph([("a", "b"), ("b", "c"), ("x", "c")])
    tracker = Tracker(dag, {"a": 10, "b": 20, "c": 5, "x": 1}, 100.0, lambda: 100.0)

    def sort(*args, **kwargs):
        raise AssertionError("sorted again")
    monkeypatch.setattr(nx, "topological_sort", sort)
    tracker.start("a")
    assert tracker.progress().eta == 35


def test_express_operations_with_no_history_are_looked_at_every_floor_for_longer():
    """An express operation ends in seconds to tens of seconds: with no history (an
    environment's first express run) it is looked at every floor for its first 30 s, not 6 s
    (at 10 s the standard mode's looks are a second apart)."""
    from ws.cloud.watcher import Watcher

    standard = Ticket("s", "s", started=0.0, expected=None)
    standard.schedule(10.0, 0.2, 0.04)
    assert standard.next_at == pytest.approx(11.0)
    express = Ticket("s", "s", started=0.0, expected=None, eager=30.0)
    express.schedule(10.0, 0.2, 0.04)
    assert express.next_at == pytest.approx(10.2)
    express.schedule(40.0, 0.2, 0.04)
    assert express.next_at == pytest.approx(44.0)  # then less and less often
    watcher = Watcher(cfn=None, eager=30.0)
    watcher._thread = object()  # (no thread: only the ticket is looked at here)
    assert watcher.watch("s", "s").eager == 30.0
