"""The stacks' `before_deploy:` targets, run while the workspace loads as `ws run` runs them:
the same scheduler, the same cache (unchanged inputs: not run, outputs restored)."""
from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Mapping

import networkx as nx

from ws.config.prebuild import BuildRequest, Builder
from ws.config.targets import Target
from ws.config.workspace import Workspace
from ws.tasks.graph import build_tasks
from ws.tasks.results import CACHED, TaskResult
from ws.tasks.run import Runner, TaskObserver, run_tasks

log = logging.getLogger(__name__)
TAIL = 20  # lines of a failed target's output kept in the stack's failure
Say = Callable[[str, str], None]  # (stack, message)


@dataclass(frozen=True)
class _Folder:
    """What `run_tasks` reads of a stack: its folder and its targets (templates are unread)."""

    rel_dir: str
    targets: dict[str, Target]


def builder(root: Path, say: Say | None = None, runner: Runner | None = None,
            environ: Mapping[str, str] = os.environ) -> Builder:
    """A Builder for ws.config.workspace.load_workspace, telling `say` what each target did."""
    return lambda requests: run_before_deploy(root, requests, say or _log, runner, environ)


def run_before_deploy(root: Path, requests: list[BuildRequest], say: Say,
                      runner: Runner | None = None,
                      environ: Mapping[str, str] = os.environ) -> dict[str, str]:
    """Run every request's targets (and those they depend on), cached; why each stack whose
    targets did not all succeed failed."""
    folders = {r.stack: _Folder(r.rel_dir, r.targets) for r in requests}
    dag = nx.DiGraph()
    dag.add_nodes_from(folders)
    dag.add_edges_from((up, r.stack) for r in requests for up in r.depends_on if up in folders)
    own = {r.stack: r.targets for r in requests}
    tasks = nx.compose_all([build_tasks(own, dag, [r.stack], r.before_deploy) for r in requests])
    ws = Workspace(root.resolve(), "", folders, (), "", 1)  # type: ignore[arg-type]
    names = tuple(sorted({n for r in requests for n in r.before_deploy}))
    report = run_tasks(ws, tasks, names, observer=TaskObserver(on_finish=lambda result: (
        _log if result.status == CACHED else say)(result.stack, _line(result))),
        runner=runner, environ=environ)  # (a cached one is not worth a line each deploy)
    failures: dict[str, str] = {}
    for result in report.results:
        if not result.ok and result.stack not in failures:
            failures[result.stack] = _failure(result)
    return failures


def _line(result: TaskResult) -> str:
    how = "cached (output replayed)" if result.status == CACHED else result.status
    return f"before_deploy {result.target}: {how} in {result.seconds:.2f}s"


def _failure(result: TaskResult) -> str:
    """The stack's failure: which target, why, and the end of what it printed."""
    tail = "\n".join(result.output.rstrip().splitlines()[-TAIL:])
    text = f"before_deploy target {result.target} {result.status}: {result.reason}"
    return text + (f"\n{tail}" if tail else "")


def _log(stack: str, message: str) -> None:
    log.info("%s: %s", stack, message)
