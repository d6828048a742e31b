"""Benchmark: builds of a Python service whose functions share their requirements (prints
figures; not a test).

Run: python tests/bench/bench_builds.py [--functions 20] [--boto3]

In a new workspace (one stack, N python3.12 functions, each folder with the same
requirements.txt: requests, pydantic, python-dateutil; --boto3 adds boto3), through the CLI as
a user runs it, on the local endpoint:

1. the first build alone (cold cache under .ws/build) and the first `ws deploy --env local`;
2. one handler edited, then `ws deploy --env local --changed`;
3. nothing changed, `ws deploy --env local --changed` (everything cached).

Bars (issue #25): first build <= 60 s, --changed after a handler edit <= 3 s, a no-op
--changed <= 1 s.
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tools/ws/src"))

from ws.config.workspace import load_workspace  # noqa: E402
from ws.package.build import Builder  # noqa: E402
from ws.package.code import code_folders  # noqa: E402
from ws.testing.workspaces import queue_template, workspace_files, write_tree  # noqa: E402

REQUIREMENTS = "requests==2.32.3\npydantic==2.10.4\npython-dateutil==2.9.0.post0\n"


def service(root: Path, count: int, boto3: bool) -> Path:
    """A workspace with one stack of `count` functions, each with the same requirements."""
    reqs = REQUIREMENTS + ("boto3==1.35.90\n" if boto3 else "")
    resources, files = {}, {}
    for i in range(count):
        resources[f"Fn{i:02d}"] = {"Type": "AWS::Serverless::Function", "Properties": {
            "CodeUri": f"src/fn{i:02d}", "Handler": "app.handler"}}
        files[f"stacks/svc/src/fn{i:02d}/app.py"] = f"def handler(e, c):\n    return {i}\n"
        files[f"stacks/svc/src/fn{i:02d}/requirements.txt"] = reqs
    files["stacks/svc/template.yaml"] = {
        "Transform": "AWS::Serverless-2016-10-31",
        "Globals": {"Function": {"Runtime": "python3.12", "MemorySize": 128}},
        "Resources": resources}
    files["stacks/svc/stack.yaml"] = {}
    files["workspace.yaml"] = {"name": "bench", "stacks": ["stacks/*"]}
    files["environments/local.yaml"] = {"target": "local"}
    return write_tree(root, files)


def ws(root: Path, *args: str) -> float:
    """`python -m ws ARGS` in `root`, as a user runs it; its wall time."""
    env = {k: v for k, v in os.environ.items() if k != "WS_LOCAL_ENDPOINT"}
    env["PYTHONPATH"] = str(ROOT / "tools/ws/src")
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "ws", *args], cwd=root, env=env,
                          capture_output=True, text=True, check=False)
    if done.returncode != 0:
        sys.exit(f"ws {' '.join(args)} failed:\n{done.stdout}{done.stderr}")
    return time.perf_counter() - start


def build(root: Path) -> tuple[float, int]:
    """The build alone, as a deploy runs it (a new process's Builder): every function's zip;
    seconds and the zips' total size."""
    workspace = load_workspace(root)
    stack = workspace.stacks["svc"]
    folders = code_folders(stack.template.body, root / stack.rel_dir, stack.template.display)
    builder = Builder(workspace.state_dir / "build", root)
    start = time.perf_counter()
    failed = builder.build_all({"svc": folders})
    sizes = sum(len(builder(f)) for f in folders)
    took = time.perf_counter() - start
    if failed:
        sys.exit(f"build failed: {failed}")
    return took, sizes


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--functions", type=int, default=20)
    parser.add_argument("--boto3", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = service(Path(tmp), args.functions, args.boto3)
        try:
            took, size = build(root)
            print(f"{args.functions} functions{' (with boto3)' if args.boto3 else ''}: first "
                  f"build {took:.1f} s (bar 60 s), {size / 2**20:.1f} MiB of zips")
            first = ws(root, "deploy", "--env", "local")
            print(f"first ws deploy --env local (builds cached, endpoint started): {first:.2f} s")
            handler = root / "stacks/svc/src/fn03/app.py"
            handler.write_text(handler.read_text().replace("return 3", "return 33"))
            print(f"one handler edited, the build alone: {build(root)[0]:.2f} s")
            handler.write_text(handler.read_text().replace("return 33", "return 333"))
            print(f"one handler edited, ws deploy --changed: "
                  f"{ws(root, 'deploy', '--env', 'local', '--changed'):.2f} s (bar 3 s)")
            noop = [ws(root, "deploy", "--env", "local", "--changed") for _ in range(5)]
            print(f"nothing changed, ws deploy --changed: {min(noop):.2f} s best of 5 "
                  f"({', '.join(f'{t:.2f}' for t in noop)}) (bar 1 s)")
        finally:
            ws(root, "local", "down")
    baseline()
    return 0


def baseline() -> None:
    """The same no-op on a workspace of one queue: what the CLI costs without any build."""
    with tempfile.TemporaryDirectory() as tmp:
        root = write_tree(Path(tmp), workspace_files(name="q", q=(queue_template({"A": "a"}),
                                                                   {})))
        try:
            ws(root, "deploy", "--env", "local")
            noop = min(ws(root, "deploy", "--env", "local", "--changed") for _ in range(5))
            print(f"baseline: a one-queue workspace, nothing changed, ws deploy --changed: "
                  f"{noop:.2f} s best of 5")
        finally:
            ws(root, "local", "down")


if __name__ == "__main__":
    sys.exit(main())
