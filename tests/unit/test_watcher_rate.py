"""The watcher's read rate (readrate.py) and what it buys: a layered run's hand-overs, read
with a fake clock."""
from __future__ import annotations

from types import SimpleNamespace

import pytest
from ws.cloud.looks import Ticket
from ws.cloud.readrate import ReadRate
from ws.cloud.watcher import Watcher


def test_five_rounds_a_second_at_most_spread_as_needed():
    rate = ReadRate(5, gap=0.04)
    assert rate.earliest() == float("-inf")  # nothing read yet: at once
    for at in (10.0, 10.04, 10.08, 10.12):
        rate.spend(at)
        assert rate.earliest() == pytest.approx(at + 0.04)  # a gap apart, not a fifth of a second
    rate.spend(10.16)
    assert rate.earliest() == pytest.approx(11.0)  # the fifth in a second: wait for the first
    rate.spend(11.0)
    assert rate.earliest() == pytest.approx(11.04)  # the second one's second is over by then


def layered_run(watcher: Watcher, now: list[float], ends: dict[str, float],
                layers: int = 5, width: int = 3, took: float = 0.5) -> tuple[list, list]:
    """Layers of `width` stacks that take `took` s each (their calls return 10 ms apart), a
    layer asked for when the one above is seen done: how late each layer was seen done, and
    when the rounds were."""
    lags, rounds = [], []
    for layer in range(layers):
        start, tickets = now[0], []
        for k in range(width):
            name = f"l{layer}s{k}"
            ends[name] = start + 0.01 * (k + 1) + took
            ticket = Ticket(name, name, start, None, hint=watcher._hint(), looked=start)
            ticket.schedule(start, watcher.floor, watcher.rate.gap)
            watcher.tickets[id(ticket)] = ticket
            tickets.append(ticket)
        while any(t.took is None for t in tickets):
            flying = list(watcher.tickets.values())
            now[0] = max(now[0], watcher.next_round(flying, now[0]))
            rounds.append(now[0])
            watcher._round([t for t in flying if t.next_at <= now[0] + watcher.rate.gap], flying)
            for ticket in [t for t in flying if t.took is not None]:
                watcher.done(ticket)
        lags.append(now[0] - max(ends[t.name] for t in tickets))
    return lags, rounds


def test_a_layered_run_is_seen_done_within_hundredths_of_a_second_at_five_reads_a_second():
    """Express mode: layers of stacks taking 0.5 s. The first layer is seen done within a
    floor (no history: a look every 0.2 s); each later one within a few hundredths of a
    second, the looks halving the window in which the layers above ended, some closer than a
    floor; never more than five reads in a second."""
    now, ends = [0.0], {}

    class Cfn:
        def get_paginator(self, name):
            def paginate():
                now[0] += 0.02  # a read takes 20 ms
                return [{"Stacks": [{"StackName": n, "StackStatus": "CREATE_COMPLETE"
                                     if now[0] - 0.01 >= end else "CREATE_IN_PROGRESS"}
                                    for n, end in ends.items()]}]
            return SimpleNamespace(paginate=paginate)

    watcher = Watcher(Cfn(), clock=lambda: now[0])
    lags, rounds = layered_run(watcher, now, ends)
    assert lags[0] < 0.2 + 0.02
    # (rounds a floor apart, looks at 90% and then at the end of that window: 0.068 s each)
    assert sum(lags[1:]) / len(lags[1:]) < 0.05 and max(lags[1:]) < 0.06, lags
    assert max(sum(1 for b in rounds if a <= b < a + 1.0) for a in rounds) <= 5, rounds
