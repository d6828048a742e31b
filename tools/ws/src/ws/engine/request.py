"""What the user asked a run to do (frozen), what the caller wants to hear (an observer), and
the clock: the three things a run is given besides the workspace and the target."""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable

from ws.graph.selection import Selection

if TYPE_CHECKING:
    from ws.engine.plan import Plan
    from ws.engine.progress import Progress
    from ws.engine.results import StackReport


@dataclass(frozen=True)
class RunRequest:
    """A deploy or destroy as asked for: which stacks and how."""

    selection: Selection = field(default_factory=Selection)
    changed: bool = False  # deploy only what differs from the deployed fingerprint
    concurrency: int | None = None  # None: the workspace's default
    fail_fast: bool = False
    allow_replace: frozenset[str] = frozenset()  # STACK.LOGICAL_ID a deploy may replace/remove
    recreate: frozenset[str] = frozenset()  # stacks left unusable a deploy may delete, recreate
    lock_timeout: float = 600.0  # seconds to wait for another run's lock
    unprotect: bool = False  # destroy: turn termination protection off first
    check_templates: bool = True  # cfn-lint's check before deploying (--no-template-check)
    hotswap: bool = False  # apply code and configuration changes through the service APIs
    express: bool = False  # CloudFormation's express mode on every operation (--express)
    retry_builds: bool = False  # run again builds that failed before with the same inputs

    @classmethod
    def of(cls, stacks: tuple[str, ...] | None = None, **options: object) -> "RunRequest":
        """Shorthand for a request naming stacks: RunRequest.of(("db", "app"), changed=True)."""
        return cls(Selection(stacks), **options)  # type: ignore[arg-type]


def _nothing(*args: object) -> None:
    return None


@dataclass(frozen=True)
class Observer:
    """Callbacks a run makes; every one is optional. `on_event` and `on_finish` come from
    worker threads, the others from the thread that called the run."""

    on_event: Callable[[str, str], None] = _nothing  # (stack, message), secrets masked
    on_finish: Callable[["StackReport"], None] = _nothing
    on_interrupt: Callable[[int], None] = _nothing  # first Ctrl-C: stacks still running
    on_lock_wait: Callable[[str], None] = _nothing  # what is held, by whom
    on_lock_take_over: Callable[[str], None] = _nothing  # whose locks are taken over, and why
    confirm: Callable[["Plan"], None] = _nothing  # protected: the plan about to run; raise: stop
    on_execute: Callable[["Plan"], None] = _nothing  # the plan starts running now
    on_progress: Callable[["Progress"], None] = _nothing  # the run overall, about every second
    on_endpoint_start: Callable[[str], None] = _nothing  # the run started the local endpoint (URL)


@dataclass(frozen=True)
class Clock:
    """Time as a run sees it; tests pass their own."""

    now: Callable[[], float] = time.time
    sleep: Callable[[float], None] = time.sleep
