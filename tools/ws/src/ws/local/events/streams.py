"""DynamoDB Streams and Kinesis event source mappings fed by pollers, as Lambda's are.

moto invokes the mapped function inside PutItem / PutRecord, with every record the stream ever
had, and then empties the stream. Here that is switched off: one poller thread per enabled
mapping reads each shard from its StartingPosition (TRIM_HORIZON, LATEST: records after the
mapping was made, AT_TIMESTAMP) in batches of BatchSize (default 100), keeps the records its
FilterCriteria match and invokes the function. With ReportBatchItemFailures the batch resumes
at the lowest record reported. A batch that fails is split in two when BisectBatchOnFunctionError is set, retried up to
MaximumRetryAttempts (default -1: until it succeeds, as the shard waits on AWS), then described
to the DestinationConfig's OnFailure (SQS or SNS) and skipped.
"""
from __future__ import annotations

import json
import logging
import threading
from datetime import datetime, timezone
from typing import Any

from moto.awslambda.models import lambda_backends
from moto.core.utils import utcnow

from ws.local.events import streambatch, targets
from ws.local.events.streamsources import Read, shards_of

LOG = logging.getLogger("ws.local.events")
IDLE_SECONDS = 0.1
MAX_RETRY_DELAY = 10.0


class StreamPoller(threading.Thread):
    """Reads the shards of one mapping and invokes its function, until stopped."""

    def __init__(self, runtime: Any, esm: Any, retry_base: float,
                 cursors: dict[str, int] | None = None, reported: set[str] | None = None) -> None:
        super().__init__(name=f"stream-poller-{esm.uuid}", daemon=True)
        self.runtime, self.esm, self.retry_base = runtime, esm, retry_base
        self.stopping = threading.Event()
        self.cursors = cursors if cursors is not None else {}  # shard -> next position
        self.reported = reported if reported is not None else set()

    def run(self) -> None:
        while not self.stopping.is_set():
            try:
                busy = self.poll_once()
            except Exception as exc:  # noqa: BLE001 - the stream or function went away
                if repr(exc) not in self.reported:  # once, not on every restart
                    self.reported.add(repr(exc))
                    LOG.warning("stream poller for %s stopped: %r", self.esm.event_source_arn,
                                exc)
                return
            self.reported.clear()
            if not busy:
                self.stopping.wait(IDLE_SECONDS)

    def function(self) -> Any:
        return lambda_backends[self.esm.account_id][self.esm.region].get_function(
            self.esm.function_arn)

    def poll_once(self) -> bool:
        fn, busy = self.function(), False
        for shard in shards_of(self.esm, fn.role):
            cursor = self.cursors.setdefault(shard.id, self._start(shard))
            batch = shard.read(cursor, int(self.esm.batch_size or 100))
            if batch:
                busy = True
                marks = streambatch.kept(self.esm.filter_criteria, [r.record for r in batch])
                chosen = [read for read, keep in zip(batch, marks) if keep]
                if chosen:
                    self.settle(fn, shard, chosen, self._retries())
                self.cursors[shard.id] = batch[-1].position + 1
        return busy

    def _retries(self) -> int:
        value = self.esm.max_retry_attempts
        return -1 if value is None else int(value)

    def _start(self, shard: Any) -> int:
        position = str(self.esm.starting_position or "TRIM_HORIZON").upper()
        if position == "LATEST":
            return shard.first_after(getattr(self.esm, "ws_created", utcnow()))
        if position == "AT_TIMESTAMP" and self.esm.starting_position_timestamp:
            when = datetime.fromtimestamp(float(self.esm.starting_position_timestamp),
                                          timezone.utc).replace(tzinfo=None)
            return shard.first_after(when)
        return shard.read(0, 1)[0].position if shard.read(0, 1) else 0

    def settle(self, fn: Any, shard: Any, batch: list[Read], retries: int) -> None:
        """Invoke until `batch` succeeds, is bisected, or runs out of retries."""
        attempt = 0
        while not self.stopping.is_set():
            attempt += 1
            outcome = self.runtime.invoke(fn, json.dumps({"Records": [r.record for r in batch]}))
            what = (f"{shard.kind[:-9]} {self.esm.event_source_arn.split(':')[5]} -> "
                    f"{fn.function_name} ({len(batch)} records)")
            resume = streambatch.resume_at(
                [r.sequence for r in batch], outcome.error, outcome.payload,
                "ReportBatchItemFailures" in (self.esm.function_response_types or []))
            if resume is None:
                LOG.info("%s: ok (request %s)", what, outcome.request_id)
                return
            if resume > 0:
                LOG.warning("%s: records from %s reported failed", what, batch[resume].sequence)
                batch = batch[resume:]
            elif self._bisects() and len(batch) > 1:
                LOG.warning("%s: failed; bisected", what)
                half = len(batch) // 2
                self.settle(fn, shard, batch[:half], retries)
                self.settle(fn, shard, batch[half:], retries)
                return
            if 0 <= retries < attempt:
                LOG.warning("%s: failed %d times; skipped%s", what, attempt,
                            f", described to {self._on_failure()}" if self._on_failure() else "")
                self.described(fn, shard, batch, attempt, outcome)
                return
            delay = min(self.retry_base * 2 ** (attempt - 1), MAX_RETRY_DELAY)
            LOG.warning("%s: failed (attempt %d); retried in %g s", what, attempt, delay)
            self.stopping.wait(delay)

    def _bisects(self) -> bool:
        return str(self.esm.bisect_on_error).lower() == "true"

    def _on_failure(self) -> str | None:
        config = self.esm.destination_config or {}
        return (config.get("OnFailure") or {}).get("Destination")

    def described(self, fn: Any, shard: Any, batch: list[Read], count: int, outcome: Any) -> None:
        """Send the OnFailure destination Lambda's description of a skipped batch."""
        arn = self._on_failure()
        if not arn:
            return
        info = {"shardId": shard.id, "startSequenceNumber": batch[0].sequence,
                "endSequenceNumber": batch[-1].sequence,
                "approximateArrivalOfFirstRecord": _iso(batch[0].arrived),
                "approximateArrivalOfLastRecord": _iso(batch[-1].arrived),
                "batchSize": len(batch), "streamArn": self.esm.event_source_arn}
        record = streambatch.failure_record(fn.function_arn, outcome.request_id, count,
                                            shard.kind, info)
        targets.deliver(targets.Delivery(arn, json.dumps(record), f"{fn.function_name} "
                                         "stream failure"), lambda *_: None)


def _iso(when: datetime) -> str:
    return when.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
