"""One poller thread per wanted event source mapping, kept by a supervisor that scans moto's
Lambda backends: the SQS pollers (sqspoller) and the stream pollers (events/streampollers)."""
from __future__ import annotations

import threading
from typing import Any

from moto.awslambda.models import lambda_backends

SCAN_SECONDS = 0.5


def event_source_mappings() -> list[Any]:
    """Every event source mapping of every account and region moto holds (each supervisor
    keeps the ones it serves)."""
    found = []
    for regions in list(lambda_backends.values()):
        for backend in list(regions.values()):
            found.extend(list(backend._event_source_mappings.values()))
    return found


class Supervisor(threading.Thread):
    """Every SCAN_SECONDS: stops the pollers of mappings gone, starts one for each new mapping,
    and starts again a poller that stopped on an error: in the same scan (`restart_at_once`)
    or on the next one."""

    restart_at_once = False

    def __init__(self, name: str) -> None:
        super().__init__(name=name, daemon=True)
        self.stopping = threading.Event()
        self.running: dict[str, Any] = {}

    def wanted(self, esm: Any) -> bool:
        """Whether this supervisor serves `esm`."""
        raise NotImplementedError

    def poller(self, key: str, esm: Any) -> Any:
        """A new (unstarted) poller thread for `esm`, with a `stopping` event."""
        raise NotImplementedError

    def forget(self, key: str) -> None:
        """What is kept for a mapping that is gone."""

    def prepare(self) -> None:
        """Before the first scan (moto's own delivery switched off)."""

    def start(self) -> None:
        self.prepare()
        super().start()

    def run(self) -> None:
        while not self.stopping.wait(SCAN_SECONDS):
            self.scan()

    def sources(self) -> dict[str, Any]:
        """What this supervisor keeps a poller for, by key (the mappings it serves)."""
        return {esm.uuid: esm for esm in event_source_mappings() if self.wanted(esm)}

    def scan(self) -> None:
        wanted = self.sources()
        for key in set(self.running) - set(wanted):
            self.running.pop(key).stopping.set()
            self.forget(key)
        if self.restart_at_once:
            self._drop_stopped()
        for key in set(wanted) - set(self.running):
            self.running[key] = self.poller(key, wanted[key])
            self.running[key].start()
        if not self.restart_at_once:
            self._drop_stopped()

    def _drop_stopped(self) -> None:
        for key, poller in list(self.running.items()):
            if not poller.is_alive():
                del self.running[key]

    def stop(self) -> None:
        self.stopping.set()
        for poller in self.running.values():
            poller.stopping.set()
