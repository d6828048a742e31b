"""Benchmark: how long after a SIGKILL of a 40-stack deploy its re-run holds every lock, on ws's
AWS code path (target aws, change sets, locks in DynamoDB) behind the asynchronous proxy
(bench_async.py's target). Prints figures; not a test.

Run: python tests/bench/bench_lock_takeover.py [--delay 3] [--ttl 6] [--cases same-host,other-host]

ws runs as a user runs it (`python -m ws deploy --env bench --yes` in a subprocess). The first
deploy is SIGKILLed when its first stack is deployed (the next layer in flight); the re-run
starts at once, and the benchmark reads the lock table (straight from moto, not through the
proxy) until every one of the 40 locks names the re-run's pid; the re-run held them all from its
last lock-table call before that (the proxy's call log). Printed: seconds from the SIGKILL to
then, from the re-run's start, and from the re-run's first lock-table call (what the locking
itself took; before it, the re-run starts, loads, checks and connects).
- same-host: the killed run's process is provably gone from this host (same boot and PID
  namespace): expected about immediate, whatever lock_ttl (60 s here, the default).
- other-host: the lock items' host field is rewritten, as if the killed run had been on
  another machine (nothing to prove it dead): expected about one lock_ttl (--ttl), not 40 of
  them one after another.
"""
from __future__ import annotations

import argparse
import json
import random
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import boto3

from asynccfn import Timing
from benchenv import REGION, async_target, aws_env
from benchshapes import ENV, Shape, layers, write_workspace

CASES = {"same-host": 60, "other-host": None}  # lock_ttl: None = --ttl


def forty() -> Shape:
    """4 layers of 10 stacks, each depending on 1-3 of the layer above."""
    shape = layers(random.Random(7), count=4, width=10)
    return Shape("locks", shape.dag)


def lock_table(moto_url: str):
    return boto3.client("dynamodb", endpoint_url=moto_url, region_name=REGION,
                        aws_access_key_id="testing", aws_secret_access_key="testing")


def items(db) -> list[dict]:
    return db.scan(TableName="ws-locks", ConsistentRead=True)["Items"]


def ws(root: Path, url: str, *args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "ws", *args, "--env", ENV], cwd=root,
                            env=aws_env(url), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True)


def kill_mid_run(root: Path, url: str) -> tuple[int, float]:
    """Deploy everything; SIGKILL when the first stack is deployed: (its pid, when killed)."""
    run = ws(root, url, "deploy", "--yes", "--concurrency", "50")
    for line in run.stdout:
        if "| DEPLOYED" in line:
            break
    run.send_signal(signal.SIGKILL)
    killed = time.monotonic()
    run.wait()
    run.stdout.close()
    return run.pid, killed


def elsewhere(db, keys: set[str]) -> None:
    """Rewrite the killed run's lock items as if it had run on another host."""
    for key in keys:
        db.update_item(TableName="ws-locks", Key={"id": {"S": key}},
                       UpdateExpression="SET host = :h",
                       ExpressionAttributeValues={":h": {"S": "another-host"}})


def run_case(case: str, ttl: int, delay: float, work: Path) -> dict:
    shape = forty()
    root = write_workspace(work / case, shape)
    config = json.loads((root / "workspace.yaml").read_text())
    config["defaults"]["lock_ttl"] = ttl
    (root / "workspace.yaml").write_text(json.dumps(config) + "\n")
    timing = Timing(delay_of=lambda name: delay)
    with async_target(timing, work / f"{case}-moto.log") as proxy:
        moto_url = f"http://127.0.0.1:{proxy.upstream_port}"
        subprocess.run([sys.executable, "-m", "ws", "bootstrap", "--env", ENV], cwd=root,
                       env=aws_env(proxy.url), capture_output=True, check=True)
        db = lock_table(moto_url)
        dead_pid, killed = kill_mid_run(root, proxy.url)
        keys = {i["id"]["S"] for i in items(db) if i["pid"]["N"] == str(dead_pid)}
        if case == "other-host":
            elsewhere(db, keys)
        started, wall = time.monotonic(), time.time()
        rerun = ws(root, proxy.url, "deploy", "--yes", "--concurrency", "50",
                   "--lock-timeout", "600")
        lines: list[str] = []
        reader = threading.Thread(target=lambda: lines.extend(iter(rerun.stdout.readline, "")),
                                  daemon=True)
        reader.start()
        held = None
        while held is None and rerun.poll() is None:
            mine = {i["id"]["S"] for i in items(db) if i["pid"]["N"] == str(rerun.pid)}
            if keys <= mine:
                held, held_wall = True, time.time()
            else:
                time.sleep(0.05)
        rerun.wait(timeout=600)
        reader.join(timeout=10)
        locking = [t for t, service, _ in proxy.log.between(wall, held_wall)
                   if service == "dynamodb"] if held else []
    said = [line.strip() for line in lines if "taking over" in line]
    # when the re-run held every lock: its last lock-table call before the table showed it
    # (the benchmark's own reads of the table lag behind by one scan)
    done = locking[-1] - wall + started if locking else None
    return {"case": case, "lock_ttl": ttl, "locks": len(keys),
            "from_kill": round(done - killed, 2) if done else None,
            "from_rerun_start": round(done - started, 2) if done else None,
            "from_first_lock_call": round(locking[-1] - locking[0], 2) if locking else None,
            "rerun_exit": rerun.returncode, "said": said[:2]}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--delay", type=float, default=3.0, help="D: seconds each operation runs")
    p.add_argument("--ttl", type=int, default=6, help="lock_ttl of the other-host case")
    p.add_argument("--cases", default=",".join(CASES))
    p.add_argument("--keep", type=Path, help="work in this folder (kept)")
    ns = p.parse_args(argv)
    print(f"{'case':<12}{'lock_ttl':>9}{'locks':>7}{'from kill s':>13}{'from re-run s':>15}"
          f"{'from 1st lock call s':>22}{'re-run exit':>13}")
    with tempfile.TemporaryDirectory(prefix="ws-bench-locks-") as tmp:
        work = ns.keep or Path(tmp)
        for case in ns.cases.split(","):
            ttl = CASES[case] or ns.ttl
            r = run_case(case, ttl, ns.delay, work)
            print(f"{case:<12}{ttl:>9}{r['locks']:>7}{r['from_kill']!s:>13}"
                  f"{r['from_rerun_start']!s:>15}{r['from_first_lock_call']!s:>22}"
                  f"{r['rerun_exit']:>13}")
            for line in r["said"]:
                print(f"  said: {line}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
