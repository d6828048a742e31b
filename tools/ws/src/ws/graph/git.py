"""`--since REF`: the stacks affected by files changed since a git ref (like `nx affected`)."""
from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Callable

from ws.config.envfiles import ENV_DIR
from ws.config.workspace import WORKSPACE_FILE, Workspace
from ws.errors import UsageError
from ws.graph.stackgraph import StackGraph
from ws.lazy import lazy

nx = lazy("networkx")  # loaded on first use: after the template check's process has started

Runner = Callable[..., subprocess.CompletedProcess]


def _git(root: Path, *args: str, runner: Runner = subprocess.run) -> str:
    proc = runner(["git", "-C", str(root), *args], capture_output=True, text=True)
    if proc.returncode != 0:
        raise UsageError(f"git {' '.join(args)} failed: {proc.stderr.strip() or proc.stdout}")
    return proc.stdout


def changed_files(root: Path, ref: str, runner: Runner = subprocess.run) -> set[str]:
    """Files (relative to `root`) that differ between `ref` and the working tree, untracked too."""
    try:
        _git(root, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}", runner=runner)
    except UsageError:
        shallow = _git(root, "rev-parse", "--is-shallow-repository", runner=runner).strip()
        hint = ("this is a shallow clone: fetch the history (git fetch --unshallow, or "
                "fetch-depth: 0 in CI)" if shallow == "true" else "check the branch or commit name")
        raise UsageError(f"--since {ref}: no such commit in this repository", hint) from None
    prefix = _git(root, "rev-parse", "--show-prefix", runner=runner).strip()
    # --no-renames: a file moved from one stack to another changed both (a rename would
    # list only its new path, and the stack it left would be missed).
    names = _git(root, "diff", "--name-only", "--no-renames", "--relative", ref, "--",
                 runner=runner).splitlines()
    names += _git(root, "ls-files", "--others", "--exclude-standard", runner=runner).splitlines()
    return {n[len(prefix):] if prefix and n.startswith(prefix) else n for n in names if n}


def affected(ws: Workspace, graph: StackGraph, env_name: str, files: set[str]) -> list[str]:
    """Stacks whose folder changed, all stacks for workspace-level changes, and all downstream."""
    everything = {WORKSPACE_FILE, f"{ENV_DIR}/{env_name}.yaml"}
    if any(f in everything or any(_under(f, s) for s in ws.shared) for f in files):
        return graph.order()
    touched = {name for name in graph.dag
               if any(_under(f, ws.stacks[name].rel_dir) for f in files)}
    for name in list(touched):
        touched |= nx.descendants(graph.dag, name)
    return [name for name in graph.order() if name in touched]


def _under(path: str, folder: str) -> bool:
    folder = folder.rstrip("/")
    return path == folder or path.startswith(folder + "/")


def git_commit(root: Path, runner: Runner = subprocess.run) -> str:
    """The commit checked out at `root` ("+dirty" when tracked files differ), or "" outside git."""
    try:
        proc = runner(["git", "-C", str(root), "rev-parse", "--short=12", "HEAD"],
                      capture_output=True, text=True)
        if proc.returncode != 0:
            return ""
        dirty = runner(["git", "-C", str(root), "status", "--porcelain", "--untracked-files=no"],
                       capture_output=True, text=True).stdout.strip()
    except OSError:  # no git on this machine
        return ""
    return proc.stdout.strip() + ("+dirty" if dirty else "")
