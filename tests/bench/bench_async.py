"""Benchmark: ws's AWS code path (target: aws, change sets, locks) on CloudFormation's real,
asynchronous timing. Prints figures; not a test.

Run: python tests/bench/bench_async.py [--delay 2] [--jitter 1-5 --seed 7] [--concurrency 50]
     [--change-set-delay 0] [--fail STACK] [--shapes store,layers,indep,chain]
     [--phases cold,noop,leaf,destroy,unchecked] [--scenarios main,bounded] [--json out.json]

ws runs as a user runs it (`python -m ws deploy --env bench --yes ...` in a subprocess) with
AWS_ENDPOINT_URL pointing at an HTTP proxy (cfnproxy.py) in front of a moto server: every stack
stays *_IN_PROGRESS for D seconds after each operation (asynccfn.py). For each shape and phase:
wall time, the critical path (from the graph and the Ds), their ratio, API calls by service and
action, CloudFormation calls per stack operation, most operations in flight; beside a naive
boto3 script (create, wait, next). "1st call s": from the command's start to its first API
call (interpreter, imports, loading); "1st op s": to the first stack operation; "tail s": from
the end of the last stack operation (in CloudFormation) to the command's exit. The "bounded"
scenario runs ws with --concurrency 4 and per-stack D drawn from 1-5 s and prints
max(critical path, total work / 4) next to its makespan. "unchecked" is the cold deploy again
(after the destroy, with no duration history) with --no-template-check: what the cold figures
owe to cfn-lint's check of templates ws has never seen.
"""
from __future__ import annotations

import argparse
import dataclasses
import json
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import boto3

import naive
from asynccfn import Timing
from benchenv import REGION, async_target, aws_env
from benchshapes import ENV, Shape, change_leaf, critical_path, shapes, write_workspace
from cfnproxy import Proxy

PHASES = ("cold", "noop", "leaf", "destroy", "unchecked")
COMMANDS = {"cold": ["deploy"], "noop": ["deploy", "--changed"], "leaf": ["deploy", "--changed"],
            "destroy": ["destroy"], "unchecked": ["deploy", "--no-template-check"]}


@dataclasses.dataclass(frozen=True)
class Config:
    """What to run, from the command line."""

    delay: float = 2.0
    jitter: tuple[float, float] | None = None
    seed: int = 7
    concurrency: int = 50
    change_set_delay: float = 0.0
    fail: str | None = None
    shapes: tuple[str, ...] = ("store", "layers", "indep", "chain")
    phases: tuple[str, ...] = PHASES
    baseline: bool = True
    baseline_poll: float = 1.0

    def durations(self, shape: Shape) -> dict[str, float]:
        """D per stack: fixed, or drawn per stack from the jitter range (seeded)."""
        if self.jitter is None:
            return {stack: self.delay for stack in shape.dag}
        rng = random.Random(f"{self.seed}-{shape.name}")
        return {stack: round(rng.uniform(*self.jitter), 2) for stack in sorted(shape.dag)}


def timing_for(cfg: Config, chosen: list[Shape]) -> Timing:
    """The proxy's timing: each ws and baseline stack name gets its stack's D."""
    delays: dict[str, float] = {}
    fail: set[str] = set()
    for shape in chosen:
        for stack, seconds in cfg.durations(shape).items():
            delays[shape.stack_name(stack)] = delays[naive.naive_name(shape, stack)] = seconds
            if stack == cfg.fail:
                fail.add(shape.stack_name(stack))
    return Timing(delay_of=lambda name: delays.get(name, cfg.delay),
                  change_set_delay=cfg.change_set_delay, fail=frozenset(fail))


def run_ws(root: Path, proxy: Proxy, args: list[str], log: Path) -> tuple[int, float, float]:
    """`python -m ws ARGS --env bench` in `root`: (exit code, started, ended) wall clock."""
    started = time.time()
    with open(log, "w") as out:
        done = subprocess.run([sys.executable, "-m", "ws", *args, "--env", ENV], cwd=root,
                              env=aws_env(proxy.url), stdout=out, stderr=subprocess.STDOUT,
                              check=False)
    return done.returncode, started, time.time()


def figures(proxy: Proxy, started: float, ended: float, crit: float, rc: int) -> dict:
    """What one phase measured, from the proxy's call log and operation records."""
    counts = proxy.log.counts(started, ended)
    calls = proxy.log.between(started, ended)
    ops = proxy.stacks.started_between(started, ended)
    cfn = sum(n for key, n in counts.items() if key.startswith("cloudformation:"))
    wall = ended - started
    return {"wall": round(wall, 2), "critical_path": round(crit, 2),
            "ratio": round(wall / crit, 2) if crit else None, "exit_code": rc,
            "stack_operations": len(ops), "cfn_calls": cfn,
            "cfn_calls_per_operation": round(cfn / len(ops), 1) if ops else None,
            "max_in_flight": proxy.stacks.in_flight(started, ended),
            "first_call_after": round(calls[0][0] - started, 2) if calls else None,
            "exit_after_last_call": round(ended - calls[-1][0], 2) if calls else None,
            "first_operation_after": round(ops[0].started - started, 2) if ops else None,
            "exit_after_last_operation": round(ended - max(op.ended for op in ops), 2)
            if ops else None,
            "calls": dict(sorted(counts.items()))}


def phase_crit(phase: str, shape: Shape, durations: dict[str, float]) -> float:
    """The least time the phase could take: its operations' longest dependency path."""
    if phase == "noop":
        return 0.0
    if phase == "leaf":
        return durations[shape.leaf]
    return critical_path(shape.dag, durations)


def run_phases(cfg: Config, shape: Shape, proxy: Proxy, root: Path, logs: Path,
               concurrency: int, phases: tuple[str, ...]) -> dict[str, dict]:
    """Bootstrap, then each phase through the ws CLI; figures by phase."""
    durations = cfg.durations(shape)
    results = {}
    rc, started, ended = run_ws(root, proxy, ["bootstrap"], logs / f"{shape.name}-bootstrap.log")
    results["bootstrap"] = figures(proxy, started, ended, 0.0, rc)
    for phase in phases:
        if phase == "leaf":
            change_leaf(root, shape)
        if phase == "unchecked":  # a cold deploy again, as the first (no duration history)
            shutil.rmtree(root / ".ws" / "durations", ignore_errors=True)
        args = [*COMMANDS[phase], "--yes", "--concurrency", str(concurrency)]
        rc, started, ended = run_ws(root, proxy, args, logs / f"{shape.name}-{phase}.log")
        results[phase] = figures(proxy, started, ended, phase_crit(phase, shape, durations), rc)
        if phase == "unchecked":  # leave the server as the next shape expects it: empty
            run_ws(root, proxy, ["destroy", "--yes"], logs / f"{shape.name}-cleanup.log")
    return results


def run_baseline(cfg: Config, shape: Shape, proxy: Proxy) -> dict:
    """The naive sequential deploy of `shape` through the same proxy, then its clean-up."""
    cfn = boto3.client("cloudformation", endpoint_url=proxy.url, region_name=REGION,
                       aws_access_key_id="testing", aws_secret_access_key="testing")
    durations = cfg.durations(shape)
    started = time.time()
    naive.deploy(cfn, shape, cfg.baseline_poll)
    result = figures(proxy, started, time.time(), critical_path(shape.dag, durations), 0)
    result["sum_of_durations"] = round(sum(durations.values()), 2)
    result["poll"] = cfg.baseline_poll
    naive.clean(cfn, shape, cfg.baseline_poll)
    return result


def run_scenario(cfg: Config, work: Path, concurrency: int,
                 phases: tuple[str, ...], baseline: bool) -> dict[str, dict]:
    """One moto + proxy for the scenario; each chosen shape in its own workspace."""
    chosen = [shapes(cfg.seed)[name] for name in cfg.shapes]
    logs = work / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    results: dict[str, dict] = {}
    with async_target(timing_for(cfg, chosen), logs / "moto.log") as proxy:
        for shape in chosen:
            root = write_workspace(work / shape.name, shape)
            results[shape.name] = {"stacks": len(shape.dag), "edges": shape.dag.number_of_edges(),
                                   "concurrency": concurrency,
                                   "total_work": round(sum(cfg.durations(shape).values()), 2),
                                   "phases": run_phases(cfg, shape, proxy, root, logs,
                                                        concurrency, phases)}
            if baseline:
                results[shape.name]["naive"] = run_baseline(cfg, shape, proxy)
            print_shape(shape.name, results[shape.name], cfg)
    return results


def print_shape(name: str, result: dict, cfg: Config) -> None:
    jitter = f"D {cfg.jitter[0]:g}-{cfg.jitter[1]:g} s (seed {cfg.seed})" if cfg.jitter \
        else f"D={cfg.delay:g} s"
    print(f"\n{name}: {result['stacks']} stacks, {result['edges']} edges, {jitter}, "
          f"change set C={cfg.change_set_delay:g} s, --concurrency {result['concurrency']}, "
          f"total work {result['total_work']:g} s")
    print(f"  {'phase':<10}{'wall s':>8}{'crit s':>8}{'wall/crit':>10}{'ops':>5}{'cfn':>6}"
          f"{'cfn/op':>8}{'in flight':>10}{'1st call s':>11}{'1st op s':>9}{'tail s':>7}"
          f"{'exit':>5}")
    rows = dict(result["phases"])
    if "naive" in result:
        rows["naive"] = result["naive"]
    for phase, f in rows.items():
        ratio = f"{f['ratio']:.2f}" if f["ratio"] else "-"
        per_op = f"{f['cfn_calls_per_operation']:.1f}" if f["cfn_calls_per_operation"] else "-"
        first, first_op, tail = (_secs(f[key]) for key in (
            "first_call_after", "first_operation_after", "exit_after_last_operation"))
        print(f"  {phase:<10}{f['wall']:>8.2f}{f['critical_path']:>8.2f}{ratio:>10}"
              f"{f['stack_operations']:>5}{f['cfn_calls']:>6}{per_op:>8}{f['max_in_flight']:>10}"
              f"{first:>11}{first_op:>9}{tail:>7}{f['exit_code']:>5}")
    for phase, f in rows.items():
        print(f"  calls {phase}: " + ", ".join(f"{k} {v}" for k, v in f["calls"].items()))
    if "naive" in result:
        n = result["naive"]
        print(f"  naive: boto3 create + waiter (Delay {n['poll']:g} s), one stack at a time; "
              f"sum of D {n['sum_of_durations']:g} s")


def _secs(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def print_bounded(results: dict[str, dict], concurrency: int) -> None:
    print(f"\nbounded: --concurrency {concurrency}, per-stack D drawn from 1-5 s")
    print(f"  {'shape':<8}{'phase':<9}{'makespan s':>11}{'crit s':>8}{'work/' + str(concurrency):>9}"
          f"{'bound s':>9}{'makespan/bound':>16}")
    for name, result in results.items():
        for phase, f in result["phases"].items():
            if phase == "bootstrap":
                continue
            share = result["total_work"] / concurrency
            bound = max(f["critical_path"], share)
            print(f"  {name:<8}{phase:<9}{f['wall']:>11.2f}{f['critical_path']:>8.2f}"
                  f"{share:>9.2f}{bound:>9.2f}{f['wall'] / bound:>16.2f}")


def parse_args(argv: list[str] | None) -> tuple[Config, argparse.Namespace]:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--delay", type=float, default=2.0, help="D: seconds each operation runs")
    p.add_argument("--jitter", help="LO-HI: draw D per stack from this range instead")
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--concurrency", type=int, default=50, help="ws deploy --concurrency")
    p.add_argument("--change-set-delay", type=float, default=0.0, help="C: change set creation")
    p.add_argument("--fail", metavar="STACK", help="this stack fails after D (rolls back)")
    p.add_argument("--shapes", default="store,layers,indep,chain")
    p.add_argument("--phases", default=",".join(PHASES))
    p.add_argument("--scenarios", default="main,bounded", help="main, bounded (or both)")
    p.add_argument("--bounded-shapes", default="store,layers,indep")
    p.add_argument("--no-baseline", action="store_true", help="skip the naive boto3 baseline")
    p.add_argument("--baseline-poll", type=float, default=1.0, help="the naive waiter's Delay")
    p.add_argument("--json", type=Path, help="write every figure here")
    p.add_argument("--keep", type=Path, help="work in this folder (kept) instead of a temp one")
    ns = p.parse_args(argv)
    jitter = tuple(float(v) for v in ns.jitter.split("-")) if ns.jitter else None
    cfg = Config(ns.delay, jitter, ns.seed, ns.concurrency, ns.change_set_delay, ns.fail,
                 tuple(ns.shapes.split(",")), tuple(ns.phases.split(",")), not ns.no_baseline,
                 ns.baseline_poll)
    unknown = set(cfg.phases) - set(PHASES) or set(cfg.shapes) - set(shapes(0))
    if unknown:
        p.error(f"unknown phase or shape: {', '.join(sorted(unknown))}")
    return cfg, ns


def main(argv: list[str] | None = None) -> int:
    cfg, ns = parse_args(argv)
    scenarios = ns.scenarios.split(",")
    report: dict[str, dict] = {"config": {k: v for k, v in dataclasses.asdict(cfg).items()}}
    with tempfile.TemporaryDirectory(prefix="ws-bench-async-") as tmp:
        work = ns.keep or Path(tmp)
        if "main" in scenarios:
            report["main"] = run_scenario(cfg, work / "main", cfg.concurrency, cfg.phases,
                                          cfg.baseline)
        if "bounded" in scenarios:
            bounded = dataclasses.replace(cfg, jitter=(1.0, 5.0), concurrency=4,
                                          shapes=tuple(ns.bounded_shapes.split(",")))
            phases = tuple(p for p in ("cold", "destroy", "unchecked") if p in cfg.phases)
            report["bounded"] = run_scenario(bounded, work / "bounded", 4, phases, False)
            print_bounded(report["bounded"], 4)
    if ns.json:
        ns.json.write_text(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
