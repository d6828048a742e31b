"""Per-environment stack durations from earlier runs, to weight the critical path."""
from __future__ import annotations

import json
from pathlib import Path

from ws.engine.results import RunReport
from ws.statefiles import replace_text


def durations_file(state_dir: Path, env: str, kind: str = "") -> Path:
    """Whole stacks' durations (weights of the critical path); kind "create-update" or
    "delete" (with "-express" in express mode): how long CloudFormation's operations took (the
    watcher's cadence)."""
    return state_dir / "durations" / (f"{env}.{kind}.json" if kind else f"{env}.json")


def load_durations(state_dir: Path, env: str, kind: str = "") -> dict[str, float]:
    """Seconds per stack from the last run; an unreadable file is treated as no history."""
    try:
        data = json.loads(durations_file(state_dir, env, kind).read_text())
    except (OSError, ValueError, RecursionError):  # RecursionError: absurdly nested JSON
        return {}
    if not isinstance(data, dict):
        return {}
    return {k: float(v) for k, v in data.items() if isinstance(v, (int, float)) and v >= 0}


def save_durations(state_dir: Path, env: str, report: RunReport) -> None:
    """Merge this run's measured durations into the history (atomically replaced)."""
    save_measured(state_dir, env, {s.stack: round(s.seconds, 3) for s in report.stacks
                                   if s.seconds is not None and s.status == "deployed"})


def save_measured(state_dir: Path, env: str, measured: dict[str, float],
                  kind: str = "") -> None:
    """Merge `measured` seconds per stack into a history file (atomically replaced)."""
    if not measured and kind:
        return
    durations = load_durations(state_dir, env, kind)
    durations.update(measured)
    replace_text(durations_file(state_dir, env, kind),
                 json.dumps(durations, indent=1, sort_keys=True))
