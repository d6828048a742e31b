"""An endpoint that refuses or drops connections again and again is gone, which is not
throttling: once calls to it have failed to connect for a few seconds with no answer in
between, they stop retrying (botocore would back off for a minute per call, 10 attempts), so a
run whose endpoint died ends within seconds of it, not minutes."""
from __future__ import annotations

import threading
import time
from typing import Any, Callable

from botocore.exceptions import ConnectionClosedError, EndpointConnectionError

LOST = (EndpointConnectionError, ConnectionClosedError)  # refused, unreachable, reset
PAUSE = 0.5  # seconds between tries of a connection that failed


class Reachability:
    """Connection failures to one endpoint since it last answered, across every client and
    thread of a run: gone after `failures` of them over at least `seconds` (a blip shorter
    than that is ridden out, trying again every PAUSE seconds)."""

    def __init__(self, failures: int = 3, seconds: float = 3.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.failures, self.seconds, self.clock = failures, seconds, clock
        self._count, self._since = 0, 0.0
        self._guard = threading.Lock()

    def gone(self) -> bool:
        with self._guard:
            return self._count >= self.failures and \
                self.clock() - self._since >= self.seconds

    def needs_retry(self, caught_exception: BaseException | None = None,
                    **_: Any) -> float | bool | None:
        """botocore's needs-retry hook, asked before its own retry handler (the first answer
        counts): a failed connection is tried again every PAUSE seconds (not after backoffs of
        up to 20 s, which would hold a call long after the endpoint is known gone), and not
        at all (False) once the endpoint is gone; None lets botocore decide."""
        with self._guard:
            if caught_exception is None:  # it answered (an error answer is an answer)
                self._count = 0
                return None
            if not isinstance(caught_exception, LOST):
                return None
            if not self._count:
                self._since = self.clock()
            self._count += 1
        return False if self.gone() else PAUSE


def watch(client: Any, reachability: Reachability) -> None:
    """Have `client`'s calls stop retrying once `reachability` says its endpoint is gone
    (registered first: botocore takes the first answer, and False means no retry)."""
    service = client.meta.service_model.service_id.hyphenize()
    client.meta.events.register_first(f"needs-retry.{service}", reachability.needs_retry)
