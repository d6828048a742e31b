"""What a run did to each stack, as plain data for rendering and JSON reports."""
from __future__ import annotations

from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from typing import Callable, Iterator

from ws.errors import EXIT_FAILED, EXIT_INTERRUPTED, EXIT_OK

# Stack statuses in a report.
DEPLOYED, UNCHANGED, DELETED, ABSENT = "deployed", "unchanged", "deleted", "absent"
FAILED, BLOCKED, NOT_RUN, SKIPPED = "failed", "blocked", "not run", "skipped"
INTERRUPTED = "interrupted"  # was running when ws stopped waiting (second Ctrl-C, SIGTERM)
_GOOD = {DEPLOYED, UNCHANGED, DELETED, ABSENT, SKIPPED}


@dataclass
class StackReport:
    """One stack's line in a run report."""

    stack: str
    stack_name: str
    status: str
    reason: str = ""
    outputs: dict[str, str] = field(default_factory=dict)
    started: float | None = None
    ended: float | None = None
    waited_for: list[str] = field(default_factory=list)  # stacks this one started after
    traceback: str = ""  # a bug in ws (not an expected error): where it happened

    @property
    def seconds(self) -> float | None:
        return None if self.started is None or self.ended is None else self.ended - self.started


@dataclass(frozen=True)
class Phase:
    """Work of the run as a whole, before or after its stacks: the template check, the
    endpoint's start, the locks, the live-state read, packaging..."""

    name: str
    started: float
    ended: float


class Timeline:
    """Records a run's phases as they happen, so its report accounts for all its wall time."""

    def __init__(self, clock: Callable[[], float]) -> None:
        self.clock = clock
        self.phases: list[Phase] = []

    @contextmanager
    def phase(self, name: str) -> Iterator[None]:
        started = self.clock()
        try:
            yield
        finally:
            self.phases.append(Phase(name, started, self.clock()))

    def add(self, name: str, started: float, ended: float) -> None:
        """A phase timed elsewhere (work done in the background meanwhile)."""
        self.phases.append(Phase(name, started, ended))

    def into(self, report: "RunReport") -> "RunReport":
        """`report` with these phases, its start moved back to the first of them."""
        report.phases = list(self.phases)
        report.started = min([report.started] + [p.started for p in self.phases])
        report.ended = max([report.ended] + [p.ended for p in self.phases])
        return report


@dataclass
class RunReport:
    """The result of `ws deploy` or `ws destroy` for one environment."""

    action: str
    env: str
    stacks: list[StackReport]
    started: float
    ended: float
    interrupted: bool = False
    error: str = ""  # what failed the run as a whole (a lost lock)
    phases: list[Phase] = field(default_factory=list)  # the run's own work besides its stacks
    target: str = ""  # the environment's target (aws | local), once known

    @property
    def lock_wait(self) -> float:
        """Seconds spent taking the locks (mostly waiting for another run's), within the run's
        wall time."""
        return sum(p.ended - p.started for p in self.phases if p.name == "locks")

    def duration_text(self) -> str:
        """The run's wall time, with the part spent waiting for locks when there was any."""
        text = f"{self.ended - self.started:.1f}s"
        wait = self.lock_wait
        return text + (f", of which {wait:.1f}s waiting for locks" if wait >= 0.5 else "")

    @property
    def ok(self) -> bool:
        return not self.interrupted and not self.error and all(s.status in _GOOD for s in self.stacks)

    @property
    def exit_code(self) -> int:
        if self.interrupted:
            return EXIT_INTERRUPTED
        return EXIT_OK if self.ok else EXIT_FAILED

    def to_dict(self) -> dict:
        data = asdict(self)
        data["ok"] = self.ok
        data["exit_code"] = self.exit_code
        return data

    @classmethod
    def from_dict(cls, data: dict) -> "RunReport":
        """A report read back (ws report): a field of the wrong kind is a TypeError naming it."""
        stacks = [StackReport(**_kinds(s, STACK_FIELDS, "stacks[]")) for s in data["stacks"]]
        phases = [Phase(**_kinds(p, PHASE_FIELDS, "phases[]")) for p in data.get("phases", [])]
        _kinds(data, REPORT_FIELDS, "")
        return cls(data["action"], data["env"], stacks, data["started"], data["ended"],
                   data.get("interrupted", False), data.get("error", ""), phases,
                   data.get("target", ""))


# What each field of a report read back may hold (JSON's kinds; None where it may be null).
_NUMBER = (int, float)
STACK_FIELDS = {"stack": str, "stack_name": str, "status": str, "reason": str, "outputs": dict,
                "started": (*_NUMBER, type(None)), "ended": (*_NUMBER, type(None)),
                "waited_for": list, "traceback": str}
PHASE_FIELDS = {"name": str, "started": _NUMBER, "ended": _NUMBER}
REPORT_FIELDS = {"action": str, "env": str, "stacks": list, "started": _NUMBER,
                 "ended": _NUMBER, "interrupted": bool, "error": str, "phases": list,
                 "target": str}


def _kinds(data: dict, kinds: dict[str, type | tuple[type, ...]], where: str) -> dict:
    """`data` if each field named in `kinds` holds a value of its kind (else a TypeError)."""
    if not isinstance(data, dict):
        raise TypeError(f"{where or 'the report'} is not a mapping")
    for key, value in data.items():
        if key in kinds and not isinstance(value, kinds[key]):
            raise TypeError(f"{where + '.' if where else ''}{key} is a {type(value).__name__}")
    return data
