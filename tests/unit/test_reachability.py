"""An endpoint that keeps refusing connections is gone after a few seconds: calls stop
retrying (connection refused is not throttling); an answer in between starts again; other
errors are botocore's to retry. Literal exceptions, a clock the test moves."""
from __future__ import annotations

from botocore.exceptions import (ConnectionClosedError, EndpointConnectionError,
                                 ReadTimeoutError)
from ws.cloud.reachability import PAUSE, Reachability

REFUSED = EndpointConnectionError(endpoint_url="https://cloudformation.example")
RESET = ConnectionClosedError(endpoint_url="https://cloudformation.example")


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_refused_again_and_again_for_three_seconds_is_gone():
    clock = Clock()
    host = Reachability(clock=clock)
    answers = []
    for _ in range(8):  # every PAUSE, from several calls at once
        answers.append(host.needs_retry(caught_exception=REFUSED))
        clock.now += PAUSE
    assert answers == [PAUSE] * 6 + [False, False]  # not after backoffs of up to 20 s
    assert host.gone()


def test_an_answer_in_between_starts_again():
    clock = Clock()
    host = Reachability(clock=clock)
    host.needs_retry(caught_exception=RESET)
    clock.now += 2.9
    host.needs_retry(caught_exception=RESET)
    host.needs_retry(response=({"status_code": 200}, {}), caught_exception=None)
    clock.now += 0.2
    assert host.needs_retry(caught_exception=RESET) == PAUSE and not host.gone()


def test_a_slow_answer_or_a_throttle_is_botocores_to_retry():
    host = Reachability(clock=Clock())
    timeout = ReadTimeoutError(endpoint_url="https://cloudformation.example")
    assert host.needs_retry(caught_exception=timeout) is None
    assert host.needs_retry(response=({"status_code": 400}, {"Error": {"Code": "Throttling"}}),
                            caught_exception=None) is None
    assert not host.gone()
