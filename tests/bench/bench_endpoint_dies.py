"""Benchmark: a 40-stack deploy on ws's AWS code path (bench_async.py's target) whose endpoint
dies mid-run: seconds from the kill to the stacks in flight failing and to ws's exit. Prints
figures; not a test (tests/hardening/test_faults.py asserts a bound on a smaller run).

Run: python tests/bench/bench_endpoint_dies.py [--delay 3] [--rounds 2]

`ws deploy --env bench --yes` runs in a subprocess; when its first stack is deployed (the
next layer being created, the rest of the first in flight), the moto server is SIGKILLed and
the proxy stopped: every call after is refused or reset.
"""
from __future__ import annotations

import argparse
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from asynccfn import AsyncStacks, Timing
from benchenv import aws_env, moto_process
from benchshapes import ENV, Shape, layers, write_workspace
from cfnproxy import Proxy


def one_round(work: Path, delay: float) -> dict:
    root = write_workspace(work, Shape("dies", layers(random.Random(7), count=4, width=10).dag))
    with moto_process(work / "moto.log") as (moto, port):
        proxy = Proxy(port, AsyncStacks(Timing(delay_of=lambda name: delay))).start()
        run = subprocess.Popen([sys.executable, "-m", "ws", "deploy", "--env", ENV, "--yes",
                                "--concurrency", "50"], cwd=root, env=aws_env(proxy.url),
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        failed: list[float] = []
        killed = None
        for line in run.stdout:
            if killed is None and "| DEPLOYED" in line:
                moto.kill()
                proxy.stop()
                killed = time.monotonic()
            elif killed is not None and "| FAILED" in line:
                failed.append(time.monotonic() - killed)
        run.wait()
        ended = time.monotonic() - (killed or 0.0)
    return {"failed": len(failed), "first": min(failed, default=None),
            "last": max(failed, default=None), "exit_after": ended, "code": run.returncode}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--delay", type=float, default=3.0, help="D: seconds each operation runs")
    p.add_argument("--rounds", type=int, default=2)
    ns = p.parse_args(argv)
    print(f"{'round':<7}{'stacks failed':>14}{'first fails s':>15}{'last fails s':>14}"
          f"{'exit after s':>14}{'exit':>6}")
    with tempfile.TemporaryDirectory(prefix="ws-bench-dies-") as tmp:
        for i in range(ns.rounds):
            r = one_round(Path(tmp) / str(i), ns.delay)
            print(f"{i + 1:<7}{r['failed']:>14}{r['first'] or 0:>15.2f}{r['last'] or 0:>14.2f}"
                  f"{r['exit_after']:>14.2f}{r['code']:>6}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
