"""The shards a DynamoDB stream or Kinesis event source mapping reads, and their records in
the shape Lambda gives a function. A position is an index (DynamoDB) or a sequence number
(Kinesis); reading never removes a record, as a stream keeps them for 24 hours."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from moto.dynamodb.models import dynamodb_backends
from moto.kinesis.models import kinesis_backends


@dataclass(frozen=True)
class Read:
    """One record of a shard: its position, its time, the record as the function gets it."""

    position: int
    arrived: datetime
    sequence: str
    record: dict[str, Any]


def _epoch(when: Any) -> float:
    return when.replace(tzinfo=timezone.utc).timestamp() if isinstance(when, datetime) else when


class DynamoShard:
    """A table's one stream shard (moto keeps one)."""

    kind = "DDBStreamBatchInfo"

    def __init__(self, esm: Any) -> None:
        self.esm = esm
        table_name = esm.event_source_arn.split(":", 5)[5].split("/")[1]
        self.table = dynamodb_backends[esm.account_id][esm.region].get_table(table_name)
        self.id = "shardId-00000001"

    def read(self, start: int, limit: int) -> list[Read]:
        shard = self.table.stream_shard
        items = list(shard.items[start:start + limit]) if shard is not None else []
        return [self._record(start + n, item.to_json()) for n, item in enumerate(items)]

    def _record(self, position: int, stored: dict[str, Any]) -> Read:
        record = dict(stored)
        dynamodb = dict(record["dynamodb"])
        arrived = dynamodb.get("ApproximateCreationDateTime")
        dynamodb["ApproximateCreationDateTime"] = int(_epoch(arrived))
        record.update(dynamodb=dynamodb, awsRegion=self.esm.region,
                      eventSourceARN=self.esm.event_source_arn)
        return Read(position, arrived, dynamodb["SequenceNumber"], record)

    def first_after(self, when: datetime) -> int:
        shard = self.table.stream_shard
        items = list(shard.items) if shard is not None else []
        return next((n for n, item in enumerate(items)
                     if item.record["dynamodb"]["ApproximateCreationDateTime"] >= when),
                    len(items))


class KinesisShard:
    """One shard of a Kinesis stream."""

    kind = "KinesisBatchInfo"

    def __init__(self, esm: Any, shard: Any, role: str) -> None:
        self.esm, self.shard, self.role = esm, shard, role
        self.id = shard.shard_id

    def read(self, start: int, limit: int) -> list[Read]:
        records = self.shard.records  # sequence -> record, in the order put
        if not records or next(reversed(records)) < start:
            return []  # nothing new: the usual answer, without walking the shard
        found = [(seq, r) for seq, r in list(records.items()) if seq >= start][:limit]
        return [self._record(seq, r) for seq, r in found]

    def _record(self, sequence: int, stored: Any) -> Read:
        record = {"kinesis": {"kinesisSchemaVersion": "1.0", "partitionKey": stored.partition_key,
                              "sequenceNumber": str(sequence), "data": stored.data,
                              "approximateArrivalTimestamp": round(stored.created_at, 3)},
                  "eventSource": "aws:kinesis", "eventVersion": "1.0",
                  "eventID": f"{self.id}:{sequence}", "eventName": "aws:kinesis:record",
                  "invokeIdentityArn": self.role, "awsRegion": self.esm.region,
                  "eventSourceARN": self.esm.event_source_arn}
        return Read(sequence, stored.created_at_datetime, str(sequence), record)

    def first_after(self, when: datetime) -> int:
        later = [seq for seq, r in list(self.shard.records.items())
                 if r.created_at_datetime >= when]
        return min(later) if later else max(list(self.shard.records) or [0]) + 1


def shards_of(esm: Any, role: str) -> list[Any]:
    """The shards `esm` reads (none if its source is gone or has no stream)."""
    service = esm.event_source_arn.split(":")[2]
    if service == "dynamodb":
        return [DynamoShard(esm)]
    if service == "kinesis":
        streams = kinesis_backends[esm.account_id][esm.region].streams.values()
        stream = next((s for s in streams if s.arn == esm.event_source_arn), None)
        return [KinesisShard(esm, shard, role) for shard in
                (stream.shards.values() if stream else [])]
    return []
