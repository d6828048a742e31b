"""Benchmark: the whole store on the local endpoint, as a developer uses it (prints figures).

Run: python tests/bench/bench_local_store.py [--rounds 3] [--requests 200] [--cold 3]

On a copy of the store (the repository is not touched), through the CLI as a user runs it:

1. deployed and serving: from `ws deploy --env local` on a FRESH endpoint (none running; a
   warm machine: one deploy and `ws local down` first, so imports and caches are warm) until
   the first authorized GET /products answers 200 (sign-up and sign-in included);
2. warm: GET /products through the Cognito authorizer and a warm function, median of N;
3. cold: the first GET /products after a code change (`ws deploy --env local --changed` of
   the products handler, timed too): a new worker starts for the new code.

Bars (issue #14): deployed and serving <= 10 s, warm <= 50 ms median, cold <= 1 s.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests" / "integration"))

from storeclient import http, sign_up_and_in

HANDLER = "stacks/api/src/products/handler.py"
HEADERS = '"headers": {"Content-Type": "application/json"'


def ws(root: Path, *args: str) -> float:
    """Run `python -m ws ARGS` in `root` as a user would; its wall time in seconds."""
    env = {k: v for k, v in os.environ.items() if k != "WS_LOCAL_ENDPOINT"}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT / "tools/ws/src"),
                                                      env.get("PYTHONPATH")]))
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "ws", *args], check=False, cwd=root, env=env,
                          capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"ws {' '.join(args)} failed:\n{done.stdout}{done.stderr}")
    return time.perf_counter() - start


def copy_store(target: Path) -> Path:
    for name in ("workspace.yaml", "stacks", "environments"):
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, target / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(source, target / name)
    return target


def api_and_token(root: Path, report: Path, user: str) -> tuple[str, str]:
    """The API's local URL and a new customer's ID token (from the run report and the
    endpoint's record, as `ws local status` reads it)."""
    endpoint = json.loads((root / ".ws/local/endpoint.json").read_text())["url"]
    outputs = {s["stack"]: s["outputs"] for s in json.loads(report.read_text())["stacks"]}
    token = sign_up_and_in(endpoint, outputs["auth"]["UserPoolClientId"], user)
    return f"{endpoint}/_ws/api/{outputs['api']['ApiId']}/v1", token


def first_products(api: str, token: str, timeout: float = 30.0) -> float:
    """Poll GET /products until it answers 200; when it did (perf_counter)."""
    deadline = time.perf_counter() + timeout
    while http(f"{api}/products", headers={"Authorization": token}).status != 200:
        if time.perf_counter() > deadline:
            sys.exit("GET /products never answered 200")
        time.sleep(0.02)
    return time.perf_counter()


def fresh_deploy(root: Path, round_no: int) -> tuple[float, float, str, str]:
    """(deploy seconds, deployed-and-serving seconds, API URL, token) on a fresh endpoint."""
    ws(root, "local", "down")
    report = root / "run.json"
    start = time.perf_counter()
    deploy = ws(root, "deploy", "--env", "local", "--report", str(report))
    api, token = api_and_token(root, report, f"bench{round_no}@example.com")
    return deploy, first_products(api, token) - start, api, token


def timed_get(api: str, token: str) -> tuple[float, dict[str, str]]:
    start = time.perf_counter()
    reply = http(f"{api}/products", headers={"Authorization": token})
    if reply.status != 200:
        sys.exit(f"GET /products answered {reply.status}: {reply.body}")
    return (time.perf_counter() - start) * 1000, reply.headers


def cold_after_change(root: Path, api: str, token: str, version: int) -> tuple[float, float]:
    """(the --changed deploy's seconds, the first request's ms) after changing the handler."""
    handler = root / HANDLER
    source = handler.read_text()
    marker = f'{HEADERS}, "X-Bench-Version": "{version}"'
    handler.write_text(source.replace(f'{HEADERS}, "X-Bench-Version": "{version - 1}"', marker)
                       if version > 1 else source.replace(HEADERS, marker))
    deploy = ws(root, "deploy", "--env", "local", "--changed")
    ms, headers = timed_get(api, token)
    if headers.get("x-bench-version") != str(version):
        sys.exit(f"the change was not served: {headers}")
    return deploy, ms


def bar(value: float, limit: float) -> str:
    return "OK" if value <= limit else "MISSED"


def report_serving(rounds: list[tuple[float, float]]) -> None:
    deploys, serving = [d for d, _ in rounds], [s for _, s in rounds]
    print(f"1. ws deploy --env local on a fresh endpoint ({len(rounds)} rounds): "
          f"deploy {statistics.median(deploys):.2f} s median, deployed and serving "
          f"{statistics.median(serving):.2f} s median (max {max(serving):.2f} s)   "
          f"bar <= 10 s: {bar(max(serving), 10)}")


def report_requests(api: str, token: str, count: int) -> None:
    warm = sorted(timed_get(api, token)[0] for _ in range(count))
    median = statistics.median(warm)
    print(f"2. GET /products, authorizer + warm function ({count} requests): "
          f"median {median:.1f} ms, p95 {warm[int(count * 0.95) - 1]:.1f} ms   "
          f"bar <= 50 ms: {bar(median, 50)}")


def report_cold(root: Path, api: str, token: str, count: int) -> None:
    runs = [cold_after_change(root, api, token, n) for n in range(1, count + 1)]
    deploys, colds = [d for d, _ in runs], [c for _, c in runs]
    print(f"3. after a code change ({count} changes): ws deploy --changed "
          f"{statistics.median(deploys):.2f} s median; first request {statistics.median(colds):.0f}"
          f" ms median (max {max(colds):.0f} ms)   bar <= 1 s: {bar(max(colds), 1000)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3, help="fresh deploys to time")
    parser.add_argument("--requests", type=int, default=200, help="warm requests")
    parser.add_argument("--cold", type=int, default=3, help="code changes to time")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-store-") as scratch:
        root = copy_store(Path(scratch))
        try:
            ws(root, "deploy", "--env", "local")  # warm-up: imports, caches, .pyc files
            rounds = [fresh_deploy(root, n) for n in range(args.rounds)]
            report_serving([(d, s) for d, s, _, _ in rounds])
            _, _, api, token = rounds[-1]
            report_requests(api, token, args.requests)
            report_cold(root, api, token, args.cold)
        finally:
            ws(root, "local", "down")


if __name__ == "__main__":
    main()
