"""A pipe's source read in batches: an SQS queue (records deleted only once delivered) or a
DynamoDB / Kinesis stream (a cursor per shard, from the pipe's StartingPosition)."""
from __future__ import annotations

from types import SimpleNamespace
from typing import Any, Callable

from moto.sqs.models import sqs_backends

from ws.local.events.streamsources import shards_of
from ws.local.lambdas.sqspoller import sqs_record

WAIT_SECONDS = 1
Settle = Callable[[list[dict[str, Any]]], bool]  # records -> delivered


def kind_of(arn: str) -> str:
    """sqs, dynamodb or kinesis (what the pipe's Source ARN names)."""
    return arn.split(":")[2] if arn.count(":") > 4 else ""


def params(pipe: Any, kind: str) -> dict[str, Any]:
    """The pipe's SourceParameters for its kind of source."""
    name = {"sqs": "SqsQueueParameters", "dynamodb": "DynamoDBStreamParameters",
            "kinesis": "KinesisStreamParameters"}.get(kind, "")
    return (pipe.source_parameters or {}).get(name) or {}


class QueueSource:
    """Receives up to BatchSize messages; deletes those `settle` says were delivered."""

    def __init__(self, pipe: Any, retry_cap: int | None) -> None:
        self.pipe, self.retry_cap = pipe, retry_cap
        self.batch_size = int(params(pipe, "sqs").get("BatchSize") or 10)

    def poll(self, settle: Settle) -> bool:
        sqs = sqs_backends[self.pipe.account_id][self.pipe.region_name]
        queue = next(q for q in sqs.queues.values() if q.queue_arn == self.pipe.source)
        visibility = int(queue.visibility_timeout)
        if self.retry_cap is not None:
            visibility = min(visibility, self.retry_cap)
        messages = sqs.receive_message(queue.name, self.batch_size, WAIT_SECONDS, visibility,
                                       ["All"])
        if not messages:
            return False
        records = [sqs_record(m, queue.queue_arn, self.pipe.region_name) for m in messages]
        if settle(records):
            for message in messages:
                sqs.delete_message(queue.name, message.receipt_handle)
        return True


class StreamSource:
    """Reads each shard from its cursor; a cursor moves on only past a delivered batch."""

    def __init__(self, pipe: Any, cursors: dict[str, int]) -> None:
        kind = kind_of(pipe.source)
        self.pipe, self.cursors, self.options = pipe, cursors, params(pipe, kind)
        self.batch_size = int(self.options.get("BatchSize") or 100)
        self.esm = SimpleNamespace(account_id=pipe.account_id, region=pipe.region_name,
                                   event_source_arn=pipe.source)

    def poll(self, settle: Settle) -> bool:
        busy = False
        for shard in shards_of(self.esm, self.pipe.role_arn):
            cursor = self.cursors.setdefault(shard.id, self._start(shard))
            batch = shard.read(cursor, self.batch_size)
            if not batch:
                continue
            busy = True
            if not settle([flat(read.record) for read in batch]):
                return busy  # the same batch again on the next poll
            self.cursors[shard.id] = batch[-1].position + 1
        return busy

    def _start(self, shard: Any) -> int:
        if str(self.options.get("StartingPosition") or "").upper() == "LATEST":
            return shard.first_after(self.pipe.creation_time)
        first = shard.read(0, 1)
        return first[0].position if first else 0


def flat(record: dict[str, Any]) -> dict[str, Any]:
    """A stream record as a pipe sees it: a Kinesis record's fields at the top."""
    if "kinesis" not in record:
        return record
    return {**record["kinesis"], **{k: v for k, v in record.items() if k != "kinesis"}}


def source_of(pipe: Any, retry_cap: int | None, cursors: dict[str, int]) -> Any:
    """The reader for the pipe's source; ValueError for a kind not run locally."""
    kind = kind_of(pipe.source)
    if kind == "sqs":
        return QueueSource(pipe, retry_cap)
    if kind in ("dynamodb", "kinesis"):
        return StreamSource(pipe, cursors)
    raise ValueError(f"pipe sources like {pipe.source!r} are not polled locally")
