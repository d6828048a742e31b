"""Asynchronous Lambda invocations as Lambda runs them: InvocationType=Event and every
asynchronous source (EventBridge, SNS, S3). The function's EventInvokeConfig (or Lambda's
defaults) decides: MaximumRetryAttempts (default 2; retried after 1 s, then 2 s locally, where
AWS waits about a minute, then two), MaximumEventAgeInSeconds (default 6 hours), and the
OnSuccess / OnFailure destinations (SQS, SNS, Lambda, an event bus), which receive Lambda's
invocation record; the function's own DeadLetterConfig gets the event it could not process.
"""
from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from ws.local.events import deadletters, targets
from ws.local.events.router import Router

LOG = logging.getLogger("ws.local.events")


@dataclass(frozen=True)
class Policy:
    """A function's EventInvokeConfig, Lambda's defaults where it says nothing."""

    max_retries: int = 2
    max_age: float = 21600
    on_success: str | None = None
    on_failure: str | None = None


def policy_of(fn: Any) -> Policy:
    configs = getattr(fn, "event_invoke_config", None) or []
    config = configs[-1].config if configs else {}
    destinations = config.get("DestinationConfig") or {}
    return Policy(int(config.get("MaximumRetryAttempts", 2)),
                  float(config.get("MaximumEventAgeInSeconds", 21600)),
                  (destinations.get("OnSuccess") or {}).get("Destination"),
                  (destinations.get("OnFailure") or {}).get("Destination"))


def invocation_record(fn: Any, payload: str, condition: str, count: int,
                      outcome: Any | None) -> dict[str, Any]:
    """What a destination receives (Lambda's "invocation record")."""
    record: dict[str, Any] = {
        "version": "1.0",
        "timestamp": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z",
        "requestContext": {"requestId": outcome.request_id if outcome else "",
                           "functionArn": f"{fn.function_arn}:$LATEST",
                           "condition": condition, "approximateInvokeCount": count},
        "requestPayload": _decoded(payload)}
    if outcome is not None:
        record["responseContext"] = {"statusCode": 200, "executedVersion": "$LATEST"}
        if outcome.error:
            record["responseContext"]["functionError"] = "Unhandled"
        record["responsePayload"] = _decoded(outcome.payload)
    return record


def _decoded(text: str | bytes) -> Any:
    try:
        return json.loads(text or b"null")
    except ValueError:
        return text.decode(errors="replace") if isinstance(text, bytes) else text


class AsyncInvoker:
    """invoke(fn, payload, source) returns at once; the router runs, retries and reports."""

    def __init__(self, runtime: Any, router: Router) -> None:
        self.runtime, self.router = runtime, router

    def __call__(self, fn: Any, payload: str, source: str) -> None:
        accepted = self.router.clock()
        self.router.submit(f"{source} -> {fn.function_name}",
                           lambda: self.attempt(fn, payload, source, 1, accepted))

    def attempt(self, fn: Any, payload: str, source: str, count: int, accepted: float) -> None:
        policy, what = policy_of(fn), f"{source} -> {fn.function_name}"
        if self.router.clock() - accepted > policy.max_age:
            LOG.warning("%s: dropped after %d attempts, older than MaximumEventAgeInSeconds %d%s",
                        what, count - 1, policy.max_age, _sent(policy.on_failure))
            deadletters.send(fn, payload, "", "EventAgeExceeded")
            self._destination(policy.on_failure, fn, payload, "EventAgeExceeded", count - 1, None)
            return
        started = time.monotonic()
        outcome = self.runtime.invoke(fn, payload)
        took = (time.monotonic() - started) * 1000
        if not outcome.error:
            LOG.info("%s: ok in %.0f ms (request %s, attempt %d)", what, took,
                     outcome.request_id, count)
            self._destination(policy.on_success, fn, payload, "Success", count, outcome)
            return
        error = _decoded(outcome.payload)
        reason = error.get("errorType", "error") if isinstance(error, dict) else "error"
        if count <= policy.max_retries:
            delay = self.router.retry_base_seconds * 2 ** (count - 1)
            LOG.warning("%s: %s (request %s, attempt %d of %d); retried in %g s", what, reason,
                        outcome.request_id, count, policy.max_retries + 1, delay)
            self.router.later(delay, what,
                              lambda: self.attempt(fn, payload, source, count + 1, accepted))
            return
        dead = deadletters.send(fn, payload, outcome.request_id, _message(error))
        LOG.warning("%s: %s (request %s, attempt %d of %d); no retries left%s; the function's "
                    "log: /aws/lambda/%s", what, reason, outcome.request_id, count,
                    policy.max_retries + 1, _sent(policy.on_failure or dead), fn.function_name)
        self._destination(policy.on_failure, fn, payload, "RetriesExhausted", count, outcome)

    def _destination(self, arn: str | None, fn: Any, payload: str, condition: str, count: int,
                     outcome: Any | None) -> None:
        if not arn:
            return
        record = invocation_record(fn, payload, condition, count, outcome)
        if ":events:" in arn:
            kind = "Success" if condition == "Success" else "Failure"
            record = {"source": "lambda", "detail-type": f"Lambda Function Invocation Result - "
                      f"{kind}", "detail": record, "resources": [fn.function_arn]}
        targets.deliver(targets.Delivery(arn, json.dumps(record),
                                         f"{fn.function_name} {condition}"), self)


def _message(error: Any) -> str:
    return str(error.get("errorMessage", "")) if isinstance(error, dict) else str(error)


def _sent(arn: str | None) -> str:
    return f"; its record goes to {arn}" if arn else "; the event is dropped (no OnFailure)"
