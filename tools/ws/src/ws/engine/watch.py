"""`ws watch`: file events -> once edits settle, what changed -> the same deploy (hotswap
where it can) -> one line per cycle; errors are shown and the watch goes on. Everything it
touches is injected (the events, the deploy, the clock), so tests drive it without time."""
from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Callable

from ws.config.environment import Environment
from ws.config.workspace import Workspace
from ws.engine.results import BLOCKED, DEPLOYED, FAILED, INTERRUPTED, RunReport
from ws.errors import WsError

# Next changed path (relative to the workspace) within `timeout` seconds, None if none came
# (timeout None: wait for one; None then means the source has ended).
NextEvent = Callable[[float | None], "str | None"]
IGNORED_PARTS = {".ws", ".git", "__pycache__", "node_modules", ".venv", ".pytest_cache"}
IGNORED_SUFFIXES = ("~", ".swp", ".swx", ".tmp", ".pyc")


@dataclass(frozen=True)
class Outcome:
    """What a cycle's deploy did, in one phrase ("fn hotswapped, api deployed"); `last`: end
    the watch (interrupted)."""

    text: str
    last: bool = False


def relevant(path: str) -> bool:
    """An edit worth a deploy: not ws's own state, caches, VCS or editors' temporary files."""
    parts = PurePosixPath(path).parts
    name = parts[-1] if parts else ""
    return bool(parts) and not IGNORED_PARTS & set(parts) and not name.endswith(
        IGNORED_SUFFIXES) and not name.startswith(".#")


def watch(next_event: NextEvent, deploy: Callable[[list[str]], Outcome],
          say: Callable[[str], None], now: Callable[[], float] = time.monotonic,
          settle: float = 0.2, cycles: int | None = None) -> int:
    """Deploy after each burst of edits (no edit for `settle` seconds ends a burst); say one
    line per cycle: what changed, what was done, how long. A WsError of a cycle (a template the
    check refuses, a failed stack) is said and the watch goes on. Ends when the events end, an
    outcome says so, or after `cycles` (tests). Returns the number of cycles run."""
    done = 0
    while cycles is None or done < cycles:
        changed = burst(next_event, settle)
        if not changed:
            return done
        started = now()
        try:
            outcome = deploy(changed)
        except WsError as exc:
            outcome = Outcome(f"error: {exc.message}")
        done += 1
        say(f"{_listed(changed)}: {outcome.text} ({now() - started:.1f}s)")
        if outcome.last:
            break
    return done


def burst(next_event: NextEvent, settle: float) -> list[str]:
    """The relevant paths edited from the next event until `settle` seconds pass without one."""
    changed: set[str] = set()
    while not changed:
        first = next_event(None)
        if first is None:
            return []
        if relevant(first):
            changed.add(first)
    while True:
        more = next_event(settle)
        if more is None:
            return sorted(changed)
        if relevant(more):
            changed.add(more)


def _listed(paths: list[str], most: int = 3) -> str:
    shown = ", ".join(paths[:most])
    return shown + (f" and {len(paths) - most} more" if len(paths) > most else "")


def outcome_of(report: RunReport) -> Outcome:
    """A deploy's report in one phrase: what was hotswapped, deployed, what failed."""
    done = []
    for stack in report.stacks:
        if stack.status == DEPLOYED:
            how = "hotswapped" if stack.reason.startswith("hotswapped") else "deployed"
            done.append(f"{stack.stack} {how}")
        elif stack.status in (FAILED, BLOCKED, INTERRUPTED):
            done.append(f"{stack.stack} {stack.status}"
                        + (f" ({stack.reason})" if stack.reason else ""))
    if report.error:
        done.append(f"error: {report.error}")
    return Outcome(", ".join(done) or "nothing to deploy", last=report.interrupted)


def watched(ws: Workspace, env: Environment, stacks: list[str]) -> Callable[[str], bool]:
    """Which paths (relative to the workspace) concern `stacks`: their folders, the shared
    paths, workspace.yaml and the environment's file."""
    folders = [PurePosixPath(ws.stacks[n].rel_dir) for n in stacks] + \
        [PurePosixPath(p) for p in ws.shared]
    files = {"workspace.yaml", f"environments/{env.name}.yaml"}

    def wanted(path: str) -> bool:
        rel = PurePosixPath(path)
        return path in files or any(rel == f or f in rel.parents for f in folders)
    return wanted
