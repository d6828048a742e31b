"""One thread per RUNNING pipe (a STOPPED one is not polled), kept by the mappings'
Supervisor: it reads a batch from the source, keeps the records the FilterCriteria match,
hands them to the Enrichment function (whose answer becomes the batch) and to the target.
The server log names what was delivered where, and what failed."""
from __future__ import annotations

import logging
import threading
from typing import Any

from moto.pipes.models import pipes_backends

from ws.local.events import patterns, streambatch
from ws.local.lambdas.mappings import Supervisor
from ws.local.pipes import deliver, shape
from ws.local.pipes.sources import kind_of, source_of

LOG = logging.getLogger("ws.local.events")
IDLE_SECONDS = 0.1
RETRY_SECONDS = 1.0
POLLED = ("sqs", "dynamodb", "kinesis")


def running_pipes() -> dict[str, Any]:
    """Every pipe whose DesiredState is RUNNING, keyed so that an update starts it afresh."""
    found: dict[str, Any] = {}
    for regions in list(pipes_backends.values()):
        for backend in list(regions.values()):
            for pipe in list(backend.pipes.values()):
                if str(pipe.desired_state or "RUNNING").upper() == "RUNNING" and \
                        kind_of(pipe.source) in POLLED:
                    found[f"{pipe.arn}@{pipe.last_modified_time}"] = pipe
    return found


class PipeRunner(threading.Thread):
    """Polls one pipe's source and delivers, until stopped."""

    def __init__(self, pipe: Any, runtime: Any, invoke_async: Any, retry_cap: int | None,
                 cursors: dict[str, int]) -> None:
        super().__init__(name=f"pipe-{pipe.name}", daemon=True)
        self.pipe, self.runtime, self.invoke_async = pipe, runtime, invoke_async
        self.source = source_of(pipe, retry_cap, cursors)
        self.stopping = threading.Event()

    def run(self) -> None:
        while not self.stopping.is_set():
            try:
                busy = self.source.poll(self.settle)
            except Exception as exc:  # noqa: BLE001 - the source went away
                LOG.warning("pipe %s stopped: %r", self.pipe.name, exc)
                return
            if not busy:
                self.stopping.wait(IDLE_SECONDS)

    def settle(self, records: list[dict[str, Any]]) -> bool:
        """Whether the batch is done with (delivered, or nothing in it passed the filter)."""
        if self.stopping.is_set():
            return False
        filters = streambatch.filters_of((self.pipe.source_parameters or {}).get("FilterCriteria"))
        kept = [r for r in records if not filters or
                any(patterns.matches(p, shape.readable(r)) for p in filters)]
        what = (f"pipe {self.pipe.name}: {len(kept)} of {len(records)} records from "
                f"{self.pipe.source.split(':', 5)[-1]}")
        if not kept:
            LOG.info("%s: none passed the filter", what)
            return True
        try:
            batch = self.enriched(kept)
            deliver.send(self.pipe, batch, self.runtime, self.invoke_async)
        except Exception as exc:  # noqa: BLE001 - logged; the source keeps the batch
            LOG.warning("%s -> %s: failed: %s; kept at the source, to come again", what,
                        self.pipe.target, exc)
            self.stopping.wait(RETRY_SECONDS)
            return False
        LOG.info("%s -> %s: delivered", what, self.pipe.target)
        return True

    def enriched(self, records: list[Any]) -> list[Any]:
        """The batch the Enrichment function answers (the records without one)."""
        if not self.pipe.enrichment:
            return records
        if ":lambda:" not in self.pipe.enrichment:
            raise ValueError(f"enrichments like {self.pipe.enrichment!r} are not run locally")
        template = (self.pipe.enrichment_parameters or {}).get("InputTemplate")
        batch = [shape.rendered(template, r, self.pipe) for r in records]
        outcome = deliver.invoke(self.runtime, self.pipe.enrichment, batch)
        return shape.answered(outcome.payload)


class Pipes(Supervisor):
    """Keeps one PipeRunner per RUNNING pipe; stream cursors outlive a stop and a restart."""

    def __init__(self, runtime: Any, invoke_async: Any, retry_cap: int | None) -> None:
        super().__init__("pipes")
        self.runtime, self.invoke_async, self.retry_cap = runtime, invoke_async, retry_cap
        self.cursors: dict[str, dict[str, int]] = {}  # pipe ARN -> shard -> next position

    def sources(self) -> dict[str, Any]:
        return running_pipes()

    def poller(self, key: str, pipe: Any) -> PipeRunner:
        return PipeRunner(pipe, self.runtime, self.invoke_async, self.retry_cap,
                          self.cursors.setdefault(pipe.arn, {}))
