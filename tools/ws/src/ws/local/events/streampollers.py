"""Keep one stream poller per enabled DynamoDB Streams or Kinesis event source mapping, with
moto's own inline delivery (inside PutItem / PutRecord) switched off."""
from __future__ import annotations

import threading
from typing import Any

from moto.awslambda.models import EventSourceMapping
from moto.core.utils import utcnow
from moto.dynamodb.models.table import Table
from moto.kinesis.models import Stream

from ws.local.events.streams import StreamPoller
from ws.local.lambdas.sqspoller import event_source_mappings

SCAN_SECONDS = 0.5


def _no_inline_delivery() -> None:
    """moto's PutItem/PutRecord deliver to these mappings themselves: keep them empty, and
    note when each mapping was made (for LATEST)."""
    for model in (Table, Stream):
        model.lambda_event_source_mappings = property(  # type: ignore[assignment]
            lambda self: {}, lambda self, value: None)
    made = EventSourceMapping.__init__

    def stamped(self: EventSourceMapping, spec: dict[str, Any]) -> None:
        made(self, spec)
        self.ws_created = utcnow()

    EventSourceMapping.__init__ = stamped  # type: ignore[method-assign]


def _stream_mapping(esm: Any) -> bool:
    service = esm.event_source_arn.split(":")[2] if esm.event_source_arn.count(":") > 2 else ""
    return str(esm.enabled).lower() != "false" and service in ("dynamodb", "kinesis")


class StreamPollers(threading.Thread):
    """Keeps one StreamPoller per enabled stream mapping, scanning moto's Lambda backends."""

    def __init__(self, runtime: Any, retry_base: float = 1.0) -> None:
        super().__init__(name="stream-pollers", daemon=True)
        self.runtime, self.retry_base = runtime, retry_base
        self.stopping = threading.Event()
        self.running: dict[str, StreamPoller] = {}
        self.cursors: dict[str, dict[str, int]] = {}  # mapping -> shard -> next position
        self.reported: dict[str, set[str]] = {}  # mapping -> errors already logged

    def start(self) -> None:
        _no_inline_delivery()
        super().start()

    def run(self) -> None:
        while not self.stopping.wait(SCAN_SECONDS):
            self.scan()

    def scan(self) -> None:
        wanted = {esm.uuid: esm for esm in event_source_mappings() if _stream_mapping(esm)}
        for key in set(self.running) - set(wanted):
            self.running.pop(key).stopping.set()
            self.cursors.pop(key, None)
            self.reported.pop(key, None)
        for key, poller in list(self.running.items()):
            if not poller.is_alive():  # it stopped on an error: start again from its cursors
                del self.running[key]
        for key in set(wanted) - set(self.running):
            self.running[key] = StreamPoller(
                self.runtime, wanted[key], self.retry_base,
                self.cursors.setdefault(key, {}), self.reported.setdefault(key, set()))
            self.running[key].start()

    def stop(self) -> None:
        self.stopping.set()
        for poller in self.running.values():
            poller.stopping.set()
