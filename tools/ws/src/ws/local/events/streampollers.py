"""Keep one stream poller per enabled DynamoDB Streams or Kinesis event source mapping, with
moto's own inline delivery (inside PutItem / PutRecord) switched off."""
from __future__ import annotations

from typing import Any

from moto.awslambda.models import EventSourceMapping
from moto.core.utils import utcnow
from moto.dynamodb.models.table import Table
from moto.kinesis.models import Stream

from ws.local.events.streams import StreamPoller
from ws.local.lambdas.mappings import Supervisor


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


class StreamPollers(Supervisor):
    """Keeps one StreamPoller per enabled stream mapping; one that stopped on an error starts
    again at once, from its cursors."""

    restart_at_once = True

    def __init__(self, runtime: Any, retry_base: float = 1.0) -> None:
        super().__init__("stream-pollers")
        self.runtime, self.retry_base = runtime, retry_base
        self.cursors: dict[str, dict[str, int]] = {}  # mapping -> shard -> next position
        self.reported: dict[str, set[str]] = {}  # mapping -> errors already logged

    def wanted(self, esm: Any) -> bool:
        return _stream_mapping(esm)

    def poller(self, key: str, esm: Any) -> StreamPoller:
        return StreamPoller(self.runtime, esm, self.retry_base,
                            self.cursors.setdefault(key, {}), self.reported.setdefault(key, set()))

    def forget(self, key: str) -> None:
        self.cursors.pop(key, None)
        self.reported.pop(key, None)

    def prepare(self) -> None:
        _no_inline_delivery()
