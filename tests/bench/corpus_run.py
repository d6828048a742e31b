"""The whole run of bench_corpus.py: every stack of every folder, one at a time, on one
endpoint per workspace: deployed, tried, destroyed, judged and printed."""
from __future__ import annotations

import shutil
import tempfile
from dataclasses import asdict
from pathlib import Path

from corpus_adopt import SKIP, adopt, write_workspace
from corpus_deploy import try_stack
from corpus_project import graph_order, try_together, workspace_stacks
from corpus_report import judge, line_of
from corpus_result import StackResult
from corpus_ws import endpoint_info, ws


def run(sources: list[Path], args, exports: tuple) -> list[dict]:
    """Every stack of every folder, one at a time, on one endpoint: deploy, try, destroy."""
    scratch = Path(tempfile.mkdtemp(prefix="wscorpus-")) / "corpus"
    try:
        return run_in(scratch, sources, args, exports)
    finally:
        if not getattr(args, "keep", False):
            shutil.rmtree(scratch.parent, ignore_errors=True)


def run_in(scratch: Path, sources: list[Path], args, exports: tuple) -> list[dict]:
    """`run` in the scratch folder `scratch`."""
    workspaces = [s for s in sources if (s / "workspace.yaml").is_file()]
    plain = [s for s in sources if s not in workspaces]
    folders = [run_workspace(s, scratch.with_name(s.name), args, exports) for s in workspaces]
    if not plain:
        return folders
    scratch.mkdir(parents=True)
    adopted = adopt(plain, scratch, args.match, args.cdk, args.project)
    pids: set[int] = set()
    try:
        folders += [run_stacks(source, scratch, results, args, pids, exports,
                               alone=not args.project) for source, results in adopted.items()]
    finally:
        alive = endpoint_info(scratch) is not None
        ws(scratch, "local", "down")
    for folder in folders[len(workspaces):]:
        folder.update(endpoint_alive=alive, endpoint_pids=sorted(pids))
    return folders


def run_workspace(source: Path, scratch: Path, args, exports: tuple) -> dict:
    """A ws workspace as it is, on an endpoint of its own."""
    shutil.copytree(source, scratch, ignore=shutil.ignore_patterns(*SKIP))
    pids: set[int] = set()
    try:
        folder = run_stacks(source, scratch, workspace_stacks(scratch), args, pids, exports)
    finally:
        alive = endpoint_info(scratch) is not None
        ws(scratch, "local", "down")
    return {**folder, "endpoint_alive": alive, "endpoint_pids": sorted(pids)}


def run_stacks(source: Path, root: Path, results: dict[str, StackResult], args,
               pids: set[int], exports: tuple, alone: bool = False) -> dict:
    """Each stack in turn; `alone`: the workspace holds only the stack being tried (the
    adopted projects are independent, and ws then reads one stack, not all of them)."""
    names = [n for n in results if not args.match or args.match in results[n].folder]
    unread = [n for n in names if results[n].error]
    names = [n for n in names if n not in unread]
    names = (names if alone else graph_order(root, names))[: args.limit or None]
    print(f"\n== {source} ({len(unread) + len(names)} stacks, adopted at {root})", flush=True)
    for name in unread:
        _show(results[name], exports)
    if alone:  # the adopted projects are independent: each deployed, tried, destroyed
        for name in names:
            write_workspace(root, [results[name].folder])
            try_stack(root, results[name], pids, destroy=True)
            _show(results[name], exports)
    else:  # a project's stacks stay up for their dependents, then go together
        try_together(root, [results[n] for n in names], pids)
        for name in names:
            _show(results[name], exports)
    return {"source": str(source), "stacks": [asdict(results[n]) for n in unread + names]}


def _show(result: StackResult, exports: tuple) -> None:
    """The stack's failures classed, and its line printed."""
    judge(result, exports)
    print(line_of(result), flush=True)
