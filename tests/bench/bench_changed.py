"""Benchmark: change detection (prints figures; not a test).

Run: python tests/bench/bench_changed.py [--deploy-stacks 100]

1. Synthetic workspaces of 100 and 1,000 stacks in a git repo, one stack edited:
   `--since` selection wall time (load + graph + git + affected), target < 1 s for 1,000,
   `ws plan` on the fake cloud, and fingerprinting time per stack.
2. On the local endpoint: N stacks deployed, nothing changed: `ws deploy --changed` wall time
   and CloudFormation API calls by action (target < 3 s and zero create/update/change-set
   calls), beside a full re-deploy of the same stacks in the same run.
"""
from __future__ import annotations

import argparse
import dataclasses
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from ws.cloud.backend import LOCAL_ENDPOINT_VAR, connect
from ws.config.environment import load_environment
from ws.config.workspace import load_workspace
from ws.engine.fingerprint import fingerprint, static_parts
from ws.engine.flow import deploy_env as deploy
from ws.engine.flow import plan_env
from ws.engine.request import RunRequest
from ws.graph.selection import Selection
from ws.graph.stackgraph import build_graph
from ws.local import endpoint
from ws.testing.fakecloud import FakeCloud
from ws.testing.workspaces import layered_stacks, queue_template, workspace_files, write_tree


def synthetic(root: Path, count: int) -> Path:
    """`count` stacks in layers of 10; each takes an output of one stack in the layer above."""
    stacks = layered_stacks(count)
    return write_tree(root, workspace_files(name="bench", **stacks))


def git(root: Path, *args: str) -> None:
    env = {**os.environ, "GIT_AUTHOR_NAME": "b", "GIT_AUTHOR_EMAIL": "b@e",
           "GIT_COMMITTER_NAME": "b", "GIT_COMMITTER_EMAIL": "b@e"}
    subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True, env=env)


def timed(fn):
    start = time.perf_counter()
    result = fn()
    return result, time.perf_counter() - start


def selection_figures(count: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = synthetic(Path(tmp), count)
        git(root, "init", "-q", "-b", "main")
        git(root, "add", "-A")
        git(root, "commit", "-qm", "base")
        (root / "stacks/s5/template.yaml").write_text(queue_template({"Out": "changed"}))

        def since():
            ws = load_workspace(root)
            env = load_environment(ws, "local")
            return Selection(since="main").resolve(ws, env, build_graph(ws, env), set)
        chosen, took = timed(since)
        ws = load_workspace(root)
        env = load_environment(ws, "local")
        cloud = FakeCloud()
        deploy(ws, env, cloud.backend(), RunRequest(concurrency=16))
        items, plan_took = timed(lambda: plan_env(ws, env, cloud.backend()))
        _, fp_took = timed(lambda: [fingerprint(static_parts(ws, env, n), {}, {})
                                    for n in ws.stacks])
        print(f"{count:>5} stacks: --since selection {took:.3f} s ({len(chosen)} affected); "
              f"plan on fake cloud {plan_took:.3f} s; fingerprint {fp_took / count * 1000:.2f} ms/stack")


def counting(make_client, counts: Counter):
    def make(service):
        client = make_client(service)
        client.meta.events.register(
            "before-call", lambda model, **_: counts.update([model.name]))
        return client
    return make


def endpoint_figures(count: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        state = Path(tmp) / "state"
        info = endpoint.start(state)
        os.environ[LOCAL_ENDPOINT_VAR] = info.url
        try:
            root = synthetic(Path(tmp) / "ws", count)
            ws = load_workspace(root)
            env = load_environment(ws, "local")
            counts: Counter = Counter()
            backend = connect(ws, env)
            backend = dataclasses.replace(backend, make_client=counting(backend.make_client, counts))
            first, first_took = timed(lambda: deploy(ws, env, backend, RunRequest(concurrency=8)))
            assert first.ok
            counts.clear()
            noop, noop_took = timed(lambda: deploy(ws, env, backend,
                                                   RunRequest(concurrency=8, changed=True)))
            noop_counts = dict(counts)
            counts.clear()
            _, full_took = timed(lambda: deploy(ws, env, backend, RunRequest(concurrency=8)))
            writes = sum(v for k, v in noop_counts.items()
                         if k in ("CreateStack", "UpdateStack", "CreateChangeSet", "ExecuteChangeSet"))
            print(f"local endpoint, {count} stacks: first deploy {first_took:.2f} s; "
                  f"deploy --changed with nothing changed {noop_took:.2f} s; full re-deploy "
                  f"{full_took:.2f} s (ratio {full_took / noop_took:.1f}x)")
            print(f"  API calls of the no-op --changed run: {noop_counts} "
                  f"(create/update/change-set calls: {writes})")
            print(f"  API calls of the full re-deploy: {dict(counts)}")
            assert all(s.status == "unchanged" for s in noop.stacks)
        finally:
            endpoint.stop(state)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--deploy-stacks", type=int, default=100)
    args = parser.parse_args()
    for count in (100, 1000):
        selection_figures(count)
    endpoint_figures(args.deploy_stacks)
    return 0


if __name__ == "__main__":
    sys.exit(main())
