"""SQS event source mappings fed as Lambda's poller feeds them.

moto hands every new message to the mapped function inside SendMessage, one at a time. Here
that is switched off, and one poller thread per enabled mapping receives batches (BatchSize)
from the queue through moto's own ReceiveMessage, so receive counts and the queue's
RedrivePolicy (dead-letter queue after maxReceiveCount) apply; it deletes what succeeded
(with ReportBatchItemFailures: all but the reported failures) and leaves the rest to come
back after the visibility timeout, capped locally by WS_LOCAL_SQS_RETRY_SECONDS. Messages the
mapping's FilterCriteria refuse are deleted without invoking (Lambda's event filtering).
"""
from __future__ import annotations

import json
import logging
import threading
from typing import Any

from moto.awslambda.models import lambda_backends
from moto.sqs.models import Queue, sqs_backends

from ws.local.events import streambatch
from ws.local.lambdas.mappings import Supervisor
from ws.local.lambdas.runtime import Runtime

LOG = logging.getLogger(__name__)
WAIT_SECONDS = 1


def _no_inline_delivery() -> None:
    """Queue.add_message delivers to `lambda_event_source_mappings` itself: make that
    mapping always empty, so only the pollers deliver."""
    Queue.lambda_event_source_mappings = property(  # type: ignore[assignment]
        lambda self: {}, lambda self, value: None)


def sqs_record(message: Any, queue_arn: str, region: str) -> dict[str, Any]:
    """A received moto message as Lambda's SQS event record."""
    attributes = {"ApproximateReceiveCount": str(message.approximate_receive_count),
                  "SentTimestamp": str(message.sent_timestamp),
                  "SenderId": str(message.sender_id),
                  "ApproximateFirstReceiveTimestamp":
                      str(message.approximate_first_receive_timestamp)}
    if message.group_id:
        attributes.update(MessageGroupId=message.group_id,
                          MessageDeduplicationId=message.deduplication_id)
    return {"messageId": message.id, "receiptHandle": message.receipt_handle,
            "body": message.body, "attributes": attributes,
            "messageAttributes": _attributes(message.message_attributes),
            "md5OfBody": message.body_md5,
            "eventSource": "aws:sqs", "eventSourceARN": queue_arn, "awsRegion": region}


def _attributes(stored: dict[str, Any]) -> dict[str, Any]:
    """Message attributes in the event's spelling (stringValue, dataType...)."""
    return {name: {key[:1].lower() + key[1:]: value for key, value in attr.items()}
            for name, attr in (stored or {}).items() if isinstance(attr, dict)}


def failed_ids(payload: bytes, ids: list[str]) -> set[str]:
    """The messages a ReportBatchItemFailures answer names; all of them if it is malformed
    (Lambda treats an unreadable answer as the whole batch failing)."""
    try:
        failures = json.loads(payload or b"null")
        if failures is None or failures == {}:
            return set()
        named = {item["itemIdentifier"] for item in failures.get("batchItemFailures") or []}
    except (ValueError, TypeError, KeyError, AttributeError):
        return set(ids)
    return named if named <= set(ids) else set(ids)


class MappingPoller(threading.Thread):
    """Receives from one queue and invokes one function, until stopped."""

    def __init__(self, runtime: Runtime, esm: Any, retry_cap: int | None) -> None:
        super().__init__(name=f"sqs-poller-{esm.uuid}", daemon=True)
        self.runtime, self.esm, self.retry_cap = runtime, esm, retry_cap
        self.stopping = threading.Event()

    def run(self) -> None:
        while not self.stopping.is_set():
            try:
                self.poll_once()
            except Exception as exc:  # noqa: BLE001 - the queue or function went away
                LOG.warning("SQS poller for %s stopped: %r", self.esm.event_source_arn, exc)
                return

    def poll_once(self) -> None:
        sqs = sqs_backends[self.esm.account_id][self.esm.region]
        queue = next(q for q in sqs.queues.values() if q.queue_arn == self.esm.event_source_arn)
        visibility = int(queue.visibility_timeout)
        if self.retry_cap is not None:
            visibility = min(visibility, self.retry_cap)
        messages = sqs.receive_message(queue.name, int(self.esm.batch_size or 10),
                                       WAIT_SECONDS, visibility, ["All"])
        if messages and not self.stopping.is_set():
            self.deliver(sqs, queue, messages)

    def deliver(self, sqs: Any, queue: Any, messages: list[Any]) -> None:
        fn = lambda_backends[self.esm.account_id][self.esm.region].get_function(
            self.esm.function_arn)
        records = [sqs_record(m, queue.queue_arn, self.esm.region) for m in messages]
        keep = streambatch.kept(self.esm.filter_criteria, records)
        for message in (m for m, kept in zip(messages, keep) if not kept):
            sqs.delete_message(queue.name, message.receipt_handle)  # FilterCriteria drop it
        messages = [m for m, kept in zip(messages, keep) if kept]
        if not messages:
            return
        event = {"Records": [r for r, kept in zip(records, keep) if kept]}
        outcome = self.runtime.invoke(fn, json.dumps(event))
        if outcome.error:
            _warn_failed(fn, queue, messages, len(messages))
            return  # the whole batch comes back after the visibility timeout
        ids = [m.id for m in messages]
        failed = (failed_ids(outcome.payload, ids)
                  if "ReportBatchItemFailures" in (self.esm.function_response_types or [])
                  else set())
        if failed:
            _warn_failed(fn, queue, messages, len(failed))
        for message in messages:
            if message.id not in failed:
                sqs.delete_message(queue.name, message.receipt_handle)


def _warn_failed(fn: Any, queue: Any, messages: list[Any], failed: int) -> None:
    """A line in the server log: a developer sees why an order never settles."""
    receives = max(int(m.approximate_receive_count) for m in messages)
    LOG.warning("%s: %d of %d messages from %s failed (receive %d%s); they come back after the "
                "visibility timeout; the function's log: /aws/lambda/%s", fn.function_name,
                failed, len(messages), queue.name, receives, _redrive_note(queue),
                fn.function_name)


def _redrive_note(queue: Any) -> str:
    policy = queue.redrive_policy or {}
    if not policy.get("maxReceiveCount"):
        return ""
    return f" of {policy['maxReceiveCount']}, then the dead-letter queue"


def _enabled(esm: Any) -> bool:
    return str(esm.enabled).lower() != "false" and ":sqs:" in esm.event_source_arn


class Pollers(Supervisor):
    """Keeps one MappingPoller per enabled SQS mapping (one that stopped on an error starts
    again on the next scan)."""

    def __init__(self, runtime: Runtime, retry_cap: int | None) -> None:
        super().__init__("sqs-pollers")
        self.runtime, self.retry_cap = runtime, retry_cap

    def wanted(self, esm: Any) -> bool:
        return _enabled(esm)

    def poller(self, key: str, esm: Any) -> MappingPoller:
        return MappingPoller(self.runtime, esm, self.retry_cap)

    def prepare(self) -> None:
        _no_inline_delivery()
