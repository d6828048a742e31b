"""Benchmark: ws's streaming scheduler against wave and FIFO schedulers (prints figures).

Run: python tests/bench/bench_scheduler.py [--scale SECONDS_PER_UNIT]

For each synthetic graph and concurrency, each scheduler runs the same sleeping work for real
(threads, wall clock) and we print makespan / lower bound, where the bound is
max(critical path, total work / concurrency). Then the scheduler's own overhead per stack on a
1,000-stack graph with no work. The store graph also runs through the full deploy path on the
fake cloud backend (ws.fake).
"""
from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from pathlib import Path

import networkx as nx
from ws.config.environment import load_environment
from ws.config.workspace import load_workspace
from ws.engine import scheduler
from ws.engine.flow import deploy_env as deploy
from ws.engine.request import RunRequest
from ws.testing.fakecloud import FakeCloud
from ws.testing.workspaces import queue_template, workspace_files, write_tree

STORE = {"auth": 3, "catalog": 2, "payments-mock": 2, "orders": 4, "api": 5, "ui": 6}
STORE_EDGES = [("auth", "api"), ("catalog", "api"), ("orders", "api"), ("payments-mock", "orders"),
               ("auth", "ui"), ("api", "ui")]


def graphs(rng: random.Random) -> dict[str, tuple[nx.DiGraph, dict[str, float]]]:
    result = {"store": (nx.DiGraph(STORE_EDGES), dict(STORE))}
    chain = nx.path_graph(20, create_using=nx.DiGraph)
    result["chain-20"] = (chain, {n: rng.uniform(1, 5) for n in chain})
    wide = nx.DiGraph([("root", f"w{i}") for i in range(50)] + [(f"w{i}", "sink") for i in range(50)])
    result["wide-50"] = (wide, {n: rng.uniform(1, 8) for n in wide})
    result["layered-200"] = (layered(rng, 10, 20), {})
    result["layered-200"][1].update({n: rng.choice([1, 1, 2, 3, 8]) for n in result["layered-200"][0]})
    return result


def layered(rng: random.Random, layers: int, width: int) -> nx.DiGraph:
    dag = nx.DiGraph()
    for layer in range(layers):
        for i in range(width):
            node = f"L{layer}-{i}"
            dag.add_node(node)
            if layer:
                for up in rng.sample(range(width), rng.randint(1, 3)):
                    dag.add_edge(f"L{layer - 1}-{up}", node)
    return dag


def bound(dag: nx.DiGraph, durations: dict[str, float], concurrency: int) -> float:
    longest = max(scheduler.critical_path(dag, durations).values())
    return max(longest, sum(durations.values()) / concurrency)


def run_ws(dag, work, concurrency, durations):
    scheduler.run(dag, work, concurrency=concurrency, weights=durations)


def run_fifo(dag, work, concurrency, durations):
    """Streaming, but ready stacks start in the order they became ready."""
    unmet = {n: dag.in_degree(n) for n in dag}
    ready = [n for n in sorted(dag) if unmet[n] == 0]
    with ThreadPoolExecutor(concurrency) as pool:
        running = {}
        while ready or running:
            while ready and len(running) < concurrency:
                node = ready.pop(0)
                running[pool.submit(work, node)] = node
            done, _ = wait(running, return_when=FIRST_COMPLETED)
            for future in done:
                for down in sorted(dag.successors(running.pop(future))):
                    unmet[down] -= 1
                    if unmet[down] == 0:
                        ready.append(down)


def run_waves(dag, work, concurrency, durations):
    """Sceptre-style: a whole level must finish before the next level starts."""
    with ThreadPoolExecutor(concurrency) as pool:
        for level in nx.topological_generations(dag):
            list(pool.map(work, sorted(level)))


def measure(runner, dag, durations, concurrency, scale) -> float:
    def work(node):
        time.sleep(durations[node] * scale)
    start = time.perf_counter()
    runner(dag, work, concurrency, durations)
    return (time.perf_counter() - start) / scale


def store_through_deploy(scale: float) -> float:
    """The store graph through ws.deploy on the fake cloud: makespan / critical path."""
    files = workspace_files(name="store", **{
        name.replace("-", "_"): (queue_template({"Out": "x"}, parameters=[f"P{i}" for i, _ in
                                                 enumerate(dag_ups(name))]),
                                 {"parameters": {f"P{i}": f"${{{up}.Out}}" for i, up in
                                                 enumerate(dag_ups(name))}})
        for name in STORE})
    with tempfile.TemporaryDirectory() as tmp:
        write_tree(Path(tmp), files)
        ws = load_workspace(Path(tmp))
        env = load_environment(ws, "local")
        cloud = FakeCloud(latency={env.stack_name(n): d * scale for n, d in STORE.items()})
        start = time.perf_counter()
        report = deploy(ws, env, cloud.backend(), RunRequest(concurrency=8))
        took = (time.perf_counter() - start) / scale
    assert report.ok, [(s.stack, s.status, s.reason) for s in report.stacks]
    return took / bound(nx.DiGraph(STORE_EDGES), STORE, 8)


def dag_ups(name: str) -> list[str]:
    return sorted(a for a, b in STORE_EDGES if b == name)


def overhead(n: int = 1000) -> float:
    dag = layered(random.Random(7), 50, n // 50)
    start = time.perf_counter()
    scheduler.run(dag, lambda node: None, concurrency=8)
    return (time.perf_counter() - start) / n * 1000


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=float, default=0.01, help="seconds per duration unit")
    args = parser.parse_args()
    rng = random.Random(42)
    runners = {"ws": run_ws, "waves": run_waves, "fifo": run_fifo}
    print(f"{'graph':<12} {'conc':>5} {'bound':>7} " + " ".join(f"{r:>8}" for r in runners))
    worst = {r: 0.0 for r in runners}
    for name, (dag, durations) in graphs(rng).items():
        for concurrency in (len(dag), 4, 8):
            low = bound(dag, durations, concurrency)
            ratios = {r: measure(fn, dag, durations, concurrency, args.scale) / low
                      for r, fn in runners.items()}
            for r, v in ratios.items():
                worst[r] = max(worst[r], v)
            label = "unlim" if concurrency == len(dag) else str(concurrency)
            print(f"{name:<12} {label:>5} {low:7.1f} "
                  + " ".join(f"{ratios[r]:8.3f}" for r in runners))
    print("worst ratio: " + ", ".join(f"{r} {v:.3f}" for r, v in worst.items()))
    print(f"store via ws.deploy on the fake cloud (conc 8): {store_through_deploy(args.scale):.3f}")
    print(f"scheduler overhead: {overhead():.3f} ms per stack (1,000 stacks, no work)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
