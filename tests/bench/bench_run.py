"""Benchmark: `ws run` over 50 stacks (prints figures; not a test).

Run: python tests/bench/bench_run.py [--stacks 50] [--cpu 0.5] [--cores 2]

50 stacks in layers of 10 (each takes an output of one stack in the layer above), each with a
`test` target that burns `--cpu` seconds of CPU, and a `noop` target that does nothing:
1. cold `ws run test` (cache empty): target <= 1.1 x (total work / cores) + 0.5 s;
2. again, nothing changed: target <= 0.5 s, every stack cached;
3. one stack's file changed, `ws run test --since HEAD`: only it and its dependents selected,
   target <= 1.5 s;
   and `ws run wait`, a target that sleeps as long (the schedule alone, on a loaded machine);
4. `ws run noop --no-cache --parallel 1`: the cost per stack of a target that does nothing,
   target <= 20 ms.
Each figure is the wall time of a `ws` subprocess, as a user would see it.
"""
from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from ws.testing.workspaces import layered_stacks, workspace_files, write_tree

SRC = Path(__file__).resolve().parents[2] / "tools" / "ws" / "src"
BURN = ("{python} -S -E -c 'import time\nt=time.process_time()\n"
        "while time.process_time()-t<{cpu}: pass'")


def synthetic(root: Path, count: int, cpu: float) -> Path:
    """`count` stacks in layers of 10; each takes an output of one stack in the layer above."""
    stacks = layered_stacks(count)
    files = workspace_files(name="bench", **stacks)
    files["workspace.yaml"] = {"name": "bench", "defaults": {"targets": {
        "test": {"command": BURN.format(python=sys.executable, cpu=cpu)},
        "noop": {"command": "true"},
        "wait": {"command": f"sleep {cpu}"}}}}
    return write_tree(root, files)


def git(root: Path, *args: str) -> None:
    env = {**os.environ, "GIT_AUTHOR_NAME": "b", "GIT_AUTHOR_EMAIL": "b@e",
           "GIT_COMMITTER_NAME": "b", "GIT_COMMITTER_EMAIL": "b@e"}
    subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True, env=env)


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def ws_run(root: Path, *args: str) -> tuple[float, str]:
    """Wall time and the summary line; the CPU time ws and its targets used is printed."""
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    env.pop("GITHUB_ACTIONS", None)
    cpu = children_cpu()
    started = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "ws", "-q", "--workspace", str(root), "run",
                           *args], capture_output=True, text=True, env=env)
    took = time.perf_counter() - started
    print(f"  (ws run {' '.join(args)}: {took:.2f} s wall, {children_cpu() - cpu:.2f} s CPU "
          "of ws and its targets)")
    if proc.returncode != 0:
        sys.exit(f"ws run {' '.join(args)} failed ({proc.returncode}):\n{proc.stdout}{proc.stderr}")
    return took, proc.stdout.strip().splitlines()[-1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--stacks", type=int, default=50)
    parser.add_argument("--cpu", type=float, default=0.5)
    parser.add_argument("--cores", type=int, default=2)
    opts = parser.parse_args()
    n, cores = opts.stacks, opts.cores
    with tempfile.TemporaryDirectory() as tmp:
        root = synthetic(Path(tmp) / "ws", n, opts.cpu)
        (root / ".gitignore").write_text(".ws/\n")
        git(root, "init", "-q", "-b", "main")
        git(root, "add", "-A")
        git(root, "commit", "-qm", "bench")
        load = os.getloadavg()[0]
        print(f"# {n} stacks, test = {opts.cpu} s of CPU each, --parallel {cores}; "
              f"machine: {os.cpu_count()} cores, load average {load:.1f} at start")
        cold, said = ws_run(root, "test", "--parallel", str(cores))
        bound = 1.1 * (n * opts.cpu / cores) + 0.5
        print(f"cold ws run test: {cold:.2f} s (target <= {bound:.2f} s)  [{said}]")
        took, said = ws_run(root, "wait", "--parallel", str(cores))
        print(f"cold ws run wait (sleep {opts.cpu} s: the schedule without CPU contention): "
              f"{took:.2f} s (target <= {bound:.2f} s)  [{said}]")
        warm, said = ws_run(root, "test", "--parallel", str(cores))
        print(f"again, nothing changed: {warm:.2f} s (target <= 0.5 s)  [{said}]")
        for stack in (f"s{n - 20}", "s0"):
            (root / f"stacks/{stack}/notes.txt").write_text("changed")
            took, said = ws_run(root, "test", "--since", "HEAD", "--parallel", str(cores))
            print(f"{stack} changed, --since HEAD: {took:.2f} s (target <= 1.5 s)  [{said}]")
            (root / f"stacks/{stack}/notes.txt").unlink()
        took, said = ws_run(root, "noop", "--no-cache", "--parallel", "1")
        base, _ = ws_run(root, "noop")  # everything cached: ws's own start and load
        per = (took - base) / n * 1000
        print(f"noop target, --no-cache --parallel 1: {took:.2f} s, {base:.2f} s cached: "
              f"{per:.1f} ms per stack (target <= 20 ms)  [{said}]")
        print(f"# load average at the end: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
