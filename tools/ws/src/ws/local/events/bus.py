"""PutEvents -> the bus's rules -> their targets, on the router's threads.

moto's PutEvents checks each entry and calls every rule of the bus with the event; moto's rule
then delivers inline and raises NotImplementedError for a Lambda target (an HTTP 500 to the
publisher). Here the rule only hands the event to the router: PutEvents answers at once, and a
worker matches the rule's pattern (ws.local.events.patterns) and delivers each target.
"""
from __future__ import annotations

import copy
import json
import logging
from datetime import datetime, timezone
from typing import Any, Callable

from moto.events.models import Rule, events_backends
from moto.events.responses import EventsHandler
from moto.sqs.models import sqs_backends

from ws.local.events import patterns, transform
from ws.local.events.router import Router
from ws.local.events.targets import AsyncInvoke, Delivery, deliver

LOG = logging.getLogger("ws.local.events")


def aws_event(event: dict[str, Any]) -> dict[str, Any]:
    """moto's event message as EventBridge sends it: `time` in ISO 8601, no ingestion time."""
    shaped = copy.deepcopy(event)
    shaped.pop("ingestion-time", None)
    when = shaped.get("time")
    if isinstance(when, (int, float)):
        shaped["time"] = datetime.fromtimestamp(when, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    elif isinstance(when, datetime):
        shaped["time"] = when.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    return shaped


def route(rule: Any, event: dict[str, Any], invoke_async: AsyncInvoke) -> None:
    """Deliver `event` to each target of `rule` if the rule is enabled and its pattern matches
    (a rule without a pattern is a schedule: events never match it)."""
    pattern = rule.event_pattern.get_pattern()
    if rule.state != "ENABLED" or not pattern or not patterns.matches(pattern, event):
        return
    send_targets(rule, event, invoke_async, f"rule {rule.name} (bus {rule.event_bus_name})")


def send_targets(rule: Any, event: dict[str, Any], invoke_async: AsyncInvoke,
                 source: str) -> None:
    """Deliver `event` to every target of `rule`, each through its Input settings."""
    for target in list(rule.targets):
        if target.get("Arn", "").endswith(":::"):  # an archive's own rule (moto's shape)
            _archive(rule, event)
            continue
        try:
            text = transform.payload(target, event, rule.arn)
            deliver(Delivery(target["Arn"], text, source, target), invoke_async)
        except Exception as exc:  # noqa: BLE001 - one target's failure must not stop the others
            dead = (target.get("DeadLetterConfig") or {}).get("Arn")
            LOG.warning("%s -> %s: not delivered: %s: %s%s", source, target.get("Arn"),
                        type(exc).__name__, exc, f"; the event goes to {dead}" if dead else "")
            if dead:
                dead_letter(dead, rule, target, event, exc)


def _archive(rule: Any, event: dict[str, Any]) -> None:
    backend = events_backends[rule.account_id][rule.region_name]
    for archive in list(backend.archives.values()):
        if getattr(archive, "rule", None) is rule:
            archive.events.append(event)


def dead_letter(queue_arn: str, rule: Any, target: dict[str, Any], event: dict[str, Any],
                exc: Exception) -> None:
    """Send an event no target took to the target's dead-letter queue, with the attributes
    EventBridge adds."""
    _, _, _, region, account, name = queue_arn.split(":", 5)
    attributes = {"RULE_ARN": rule.arn, "TARGET_ARN": target.get("Arn", ""),
                  "ERROR_CODE": type(exc).__name__, "ERROR_MESSAGE": str(exc)[:256] or "-"}
    sqs_backends[account][region].send_message(name, json.dumps(event), message_attributes={
        key: {"DataType": "String", "StringValue": value} for key, value in attributes.items()})


def scheduled(router: Router, invoke_async: AsyncInvoke) -> Callable[[Any, dict[str, Any]], None]:
    """What the scheduler calls when a rule is due: its targets get the event on the router."""

    def fire(rule: Any, event: dict[str, Any]) -> None:
        source = f"schedule {rule.name}"
        router.submit(source, lambda: send_targets(rule, event, invoke_async, source))

    return fire


def install(router: Router, invoke_async: AsyncInvoke) -> None:
    """Make every moto rule hand its events to `router`."""

    def send_to_targets(self: Rule, event: dict[str, Any], transform_input: bool = True) -> None:
        shaped = aws_event(event)
        router.submit(f"rule {self.name}", lambda: route(self, shaped, invoke_async))

    Rule.send_to_targets = send_to_targets  # type: ignore[method-assign]
    EventsHandler.test_event_pattern = _test_event_pattern  # type: ignore[method-assign]


def _test_event_pattern(self: EventsHandler) -> tuple[str, dict[str, Any]]:
    """TestEventPattern (moto answers nothing) with the router's own matching."""
    pattern = json.loads(self._get_param("EventPattern") or "{}")
    event = json.loads(self._get_param("Event") or "{}")
    return json.dumps({"Result": patterns.matches(pattern, event)}), self.response_headers
