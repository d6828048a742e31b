"""What `ws run` reports: one result per task, and the run's totals."""
from __future__ import annotations

from dataclasses import dataclass, field

RAN, CACHED, FAILED, SKIPPED = "ran", "cached", "failed", "skipped"


@dataclass
class TaskResult:
    """One stack's target: what happened, what it printed, how long it took."""

    stack: str
    target: str
    status: str
    seconds: float = 0.0
    output: str = ""
    reason: str = ""
    hash: str = ""
    exit_code: int | None = None
    saved: float = 0.0  # a cached result: the time its run took when it was stored
    note: str = ""  # a one-line remark (a damaged cache entry ignored)

    @property
    def ok(self) -> bool:
        return self.status in (RAN, CACHED)

    @property
    def task(self) -> str:
        return f"{self.stack}:{self.target}"


@dataclass
class TargetsReport:
    """Every task of one `ws run`, in the order they finished."""

    targets: tuple[str, ...]
    results: list[TaskResult] = field(default_factory=list)
    seconds: float = 0.0
    interrupted: bool = False
    notes: list[str] = field(default_factory=list)  # the shared cache's troubles, said once

    @property
    def ok(self) -> bool:
        return not self.interrupted and all(r.ok for r in self.results)

    def count(self, status: str) -> int:
        return sum(r.status == status for r in self.results)

    def summary(self) -> str:
        saved = sum(r.saved for r in self.results if r.status == CACHED)
        text = (f"{len(self.results)} task(s): {self.count(RAN)} ran, {self.count(CACHED)} "
                f"cached, {self.count(FAILED)} failed, {self.count(SKIPPED)} skipped "
                f"in {self.seconds:.2f}s")
        return text + (f" (the cache saved {saved:.1f}s)" if saved >= 0.05 else "")
