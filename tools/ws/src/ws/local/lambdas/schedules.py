"""Run scheduled rules on their rate while the endpoint runs (``ws local up --schedules``).

Every second the scheduler looks at the EventBridge rules in moto: an enabled rule with a
``rate(...)`` expression first fires one period after the scheduler first sees it, then
every period; each Lambda target is invoked in its own thread. A cron rule is reported once
in the server log and never fired (``ws local trigger`` fires any rule on demand).
"""
from __future__ import annotations

import logging
import threading
import time
from typing import Any, Callable

from moto.awslambda.models import lambda_backends
from moto.events.models import events_backends

from ws.errors import UsageError
from ws.local.lambdas.runtime import Runtime
from ws.local.lambdas.scheduled import rate_seconds, scheduled_event, target_payload

LOG = logging.getLogger(__name__)
TICK_SECONDS = 1.0
Fire = Callable[[Any, dict[str, Any]], None]  # (rule, scheduled event)


def scheduled_rules() -> list[Any]:
    """Every enabled rule with a schedule expression, in every account and region."""
    rules = []
    for regions in list(events_backends.values()):
        for backend in list(regions.values()):
            for bus in list(backend.event_buses.values()):
                rules.extend(r for r in list(bus.rules.values())
                             if r.scheduled_expression and r.state == "ENABLED")
    return rules


class Scheduler(threading.Thread):
    """Fires rate rules; `clock` is injectable for tests."""

    def __init__(self, runtime: Runtime, clock: Callable[[], float] = time.monotonic,
                 fire: Fire | None = None) -> None:
        super().__init__(name="schedules", daemon=True)
        self.runtime, self.clock, self.deliver = runtime, clock, fire
        self.stopping = threading.Event()
        self.due: dict[str, float] = {}
        self.refused: set[str] = set()

    def run(self) -> None:
        while not self.stopping.wait(TICK_SECONDS):
            try:
                self.tick()
            except Exception as exc:  # noqa: BLE001 - a reset mid-scan: next tick
                LOG.warning("schedules: %r", exc)

    def tick(self) -> None:
        now = self.clock()
        for rule in scheduled_rules():
            period = self._period(rule)
            if period is None:
                continue
            due = self.due.setdefault(rule.arn, now + period)
            if now >= due:
                self.due[rule.arn] = now + period
                self.fire(rule)

    def _period(self, rule: Any) -> int | None:
        try:
            return rate_seconds(rule.scheduled_expression)
        except UsageError as exc:
            if rule.arn not in self.refused:
                self.refused.add(rule.arn)
                LOG.warning("rule %s: %s", rule.arn, exc.message)
            return None

    def fire(self, rule: Any) -> None:
        """Send `rule`'s targets the scheduled event: through `fire` when given, else each
        Lambda target invoked in a thread."""
        event = scheduled_event(rule.arn, rule.account_id, rule.region_name)
        if self.deliver is not None:  # the event router: every target type, Input transformers
            self.deliver(rule, event)
            return
        for target in rule.targets:
            arn = target.get("Arn", "")
            if ":lambda:" not in arn:
                continue
            fn = lambda_backends[rule.account_id][arn.split(":")[3]].get_function(arn)
            threading.Thread(target=self.runtime.invoke, args=(fn, target_payload(target, event)),
                             daemon=True, name=f"schedule-{rule.name}").start()

    def stop(self) -> None:
        self.stopping.set()
