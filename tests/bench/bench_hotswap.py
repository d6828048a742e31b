"""Benchmark: hotswap, express mode and `ws watch` on the benchmark's AWS path (the
asynchronous CloudFormation proxy in front of moto, with Lambda's own asynchrony: an update
takes effect L seconds after it is asked, LastUpdateStatus InProgress meanwhile) and on the
local endpoint. Prints figures; not a test.

Run: python tests/bench/bench_hotswap.py [--delay 2] [--lambda-delay 1] [--json out.json]

Phases, in one run: the 50 stacks in 5 layers (seed 7), the last layer's 10 stacks each with a
Python function: cold deploy; one handler edited, `deploy --changed` (CloudFormation); edited
again, `deploy --changed --hotswap`; again (a second hotswap); `deploy --changed` (reconciles
CloudFormation once); `deploy --changed` (nothing to do); `ws watch`: from saving the handler
to the new code answering an invoke; destroy. Then the plain 50 in layers cold and destroyed
in express mode (an express operation takes D/4), checked and unchecked. Then `ws watch` on the
local endpoint: saving a handler to the new code answering.
"""
from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import boto3

from asynccfn import AsyncStacks, Timing
from asynclambda import AsyncFunctions
from bench_async import figures, run_ws
from benchenv import REGION, SRC, aws_env, moto_server
from benchshapes import ENV, critical_path, layers, template, write_workspace
from cfnproxy import Proxy

import random

HANDLER = "def handler(event, context):\n    return {version}\n"


def function_template(stack: str, upstreams: list[str]) -> str:
    """The benchmark's template (an SSM parameter) plus a role and a Python function."""
    body = json.loads(template(stack, upstreams))
    body["Resources"]["Role"] = {"Type": "AWS::IAM::Role", "Properties": {
        "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"},
            "Action": "sts:AssumeRole"}]}}}
    body["Resources"]["Fn"] = {"Type": "AWS::Lambda::Function", "Properties": {
        "Code": "src/fn", "Handler": "handler.handler", "Runtime": "python3.11",
        "Role": {"Fn::GetAtt": ["Role", "Arn"]},
        "Environment": {"Variables": {"STACK": {"Ref": "AWS::StackName"}}}}}
    body["Outputs"]["FnName"] = {"Value": {"Ref": "Fn"}}
    return json.dumps(body, indent=1)


def write_function_workspace(root: Path, shape) -> list[str]:
    """The layered workspace, its last layer with functions; those stacks' names."""
    write_workspace(root, shape)
    leaves = sorted(n for n in shape.dag if shape.dag.out_degree(n) == 0)
    for stack in leaves:
        ups = sorted(shape.dag.predecessors(stack))
        (root / f"stacks/{stack}/template.yaml").write_text(function_template(stack, ups))
        edit(root, stack, 0)
    return leaves


def edit(root: Path, stack: str, version: int) -> None:
    path = root / f"stacks/{stack}/src/fn/handler.py"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(HANDLER.format(version=version))


def lambda_client(url: str):
    return boto3.client("lambda", endpoint_url=url, region_name=REGION,
                        aws_access_key_id="testing", aws_secret_access_key="testing")


def function_name(url: str, stack_name: str) -> str:
    cfn = boto3.client("cloudformation", endpoint_url=url, region_name=REGION,
                       aws_access_key_id="testing", aws_secret_access_key="testing")
    return cfn.describe_stack_resource(StackName=stack_name, LogicalResourceId="Fn")[
        "StackResourceDetail"]["PhysicalResourceId"]


def answer(lam, name: str):
    return json.loads(lam.invoke(FunctionName=name)["Payload"].read())


def watched_save(root: Path, env: dict, stack: str, version: int, lam, name: str,
                 log: Path, limit: float = 30.0) -> dict:
    """Start `ws watch`, save the handler once it watches, poll invokes until the new code
    answers: seconds from the save to that answer, and the watch's lines."""
    out = open(log, "w")
    proc = subprocess.Popen([sys.executable, "-m", "ws", "watch", "--env", env["WS_BENCH_ENV"]],
                            cwd=root, env=env, stdout=subprocess.PIPE, stderr=out, text=True)
    try:
        first = proc.stdout.readline()  # "... watching N stack(s) ..."
        time.sleep(0.5)  # the observer is started before that line: settle anyway
        saved = time.time()
        edit(root, stack, version)
        while time.time() - saved < limit:
            if answer(lam, name) == version:
                break
            time.sleep(0.02)
        took = time.time() - saved
        time.sleep(0.3)
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            rest, _ = proc.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            rest, _ = proc.communicate()
        out.close()
    return {"save_to_answer": round(took, 2), "lines": [first.strip()] + rest.splitlines()}


def aws_phases(args, work: Path, proxy: Proxy) -> dict:
    shape = layers(random.Random(7))
    root = work / "fn"
    leaves = write_function_workspace(root, shape)
    stack = leaves[-1]
    logs = work / "logs"
    results = {}
    d = {n: args.delay for n in shape.dag}

    def phase(name: str, argv: list[str], crit: float) -> None:
        rc, started, ended = run_ws(root, proxy, [*argv, "--yes", "--concurrency", "50"],
                                    logs / f"fn-{name}.log")
        results[name] = figures(proxy, started, ended, crit, rc)
        f = results[name]
        print(f"  {name:<12} wall {f['wall']:6.2f} s  1st call {f['first_call_after']} s  "
              f"after last call {f['exit_after_last_call']} s  exit {rc}  "
              + ", ".join(f"{k} {v}" for k, v in results[name]["calls"].items()))
        if name.startswith("hotswap"):  # its calls, in order, from the command's start
            results[name]["timeline"] = [(round(t - started, 3), f"{svc}:{act}")
                                         for t, svc, act in proxy.log.between(started, ended)]
            print("    " + " ".join(f"{at:.2f} {call}" for at, call in
                                    results[name]["timeline"]))
        if rc:
            print("    " + "\n    ".join((logs / f"fn-{name}.log").read_text().splitlines()[-8:]))
            raise SystemExit(f"{name} failed")
    # No `ws bootstrap` here: its bucket policy denies plain HTTP (TLS only), which moto
    # enforces; ws makes the bucket on its first upload, without that policy.
    phase("cold", ["deploy"], critical_path(shape.dag, d))
    edit(root, stack, 1)
    phase("cfn_code", ["deploy", "--changed"], args.delay)
    edit(root, stack, 2)
    phase("hotswap", ["deploy", "--changed", "--hotswap"], args.lambda_delay)
    edit(root, stack, 3)
    phase("hotswap_2nd", ["deploy", "--changed", "--hotswap"], args.lambda_delay)
    phase("reconcile", ["deploy", "--changed"], args.delay)
    phase("noop", ["deploy", "--changed"], 0.0)
    lam = lambda_client(proxy.url)
    name = function_name(proxy.url, f"{shape.name}-{ENV}-{stack}")
    assert answer(lam, name) == 3, "the reconciled function does not answer 3"
    env = {**aws_env(proxy.url), "WS_BENCH_ENV": ENV}
    results["watch"] = watched_save(root, env, stack, 4, lam, name, logs / "fn-watch.log")
    print(f"  watch        save -> new code answering {results['watch']['save_to_answer']} s; "
          f"{results['watch']['lines']}")
    phase("destroy", ["destroy"], critical_path(shape.dag, d))
    return results


def express_phases(args, work: Path, proxy: Proxy) -> dict:
    shape = layers(random.Random(7))
    root = write_workspace(work / "express", shape)
    logs = work / "logs"
    crit = critical_path(shape.dag, {n: args.delay * 0.25 for n in shape.dag})
    results = {}
    run_ws(root, proxy, ["bootstrap"], logs / "ex-bootstrap.log")
    for name, argv in (("cold", ["deploy", "--express"]), ("destroy", ["destroy", "--express"]),
                       ("unchecked", ["deploy", "--express", "--no-template-check"]),
                       ("destroy_2", ["destroy", "--express"])):
        rc, started, ended = run_ws(root, proxy, [*argv, "--yes", "--concurrency", "50"],
                                    logs / f"ex-{name}.log")
        results[name] = figures(proxy, started, ended, crit, rc)
        bound = 1.15 * crit + 1
        f = results[name]
        f["layers"] = layer_spans(proxy.stacks.started_between(started, ended),
                                  deleting=name.startswith("destroy"))
        print(f"  express {name:<10} wall {f['wall']:6.2f} s  critical path {crit:.2f} s  "
              f"bound {bound:.2f} s  {'ok' if f['wall'] <= bound else 'OVER'}  1st op "
              f"{f['first_operation_after']} s  tail {f['exit_after_last_operation']} s  "
              f"ops {f['stack_operations']}  exit {rc}")
        print("    per layer (first op start, last op start, last op end; s from the first op): "
              + "; ".join(f"{k} {a:.2f} {b:.2f} {c:.2f}" for k, (a, b, c) in f["layers"].items()))
    return results


def layer_spans(ops: list, deleting: bool) -> dict[str, tuple[float, float, float]]:
    """Per layer (l0..l4 of the stack names): when its first and last operations started and
    when its last ended, from the run's first operation: the hand-overs and the spread of a
    layer's starts (the proxy and moto taking ten creates one after another)."""
    if not ops:
        return {}
    zero = min(op.started for op in ops)
    layers: dict[str, list] = {}
    for op in ops:
        layers.setdefault(op.name.rsplit("-", 1)[-1].split("s")[0], []).append(op)
    return {k: (round(min(o.started for o in v) - zero, 2), round(max(o.started for o in v) - zero, 2),
                round(max(o.ended for o in v) - zero, 2))
            for k, v in sorted(layers.items(), reverse=deleting)}


def local_watch(work: Path) -> dict:
    root = work / "local"
    files = {"workspace.yaml": json.dumps({"name": "lw", "stacks": ["stacks/*"]}),
             "environments/local.yaml": json.dumps({"target": "local"}),
             "stacks/fn/stack.yaml": "{}",
             "stacks/fn/template.yaml": json.dumps(json.loads(function_template("fn", [])))}
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    edit(root, "fn", 0)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "WS_"))}
    env.update(PYTHONPATH=str(SRC), NO_COLOR="1", WS_BENCH_ENV="local")
    subprocess.run([sys.executable, "-m", "ws", "deploy", "--env", "local"], cwd=root, env=env,
                   check=True, capture_output=True)
    try:
        status = subprocess.run([sys.executable, "-m", "ws", "local", "status", "--json"],
                                cwd=root, env=env, check=True, capture_output=True, text=True)
        url = json.loads(status.stdout)["url"]
        lam = lambda_client(url)
        name = function_name(url, "lw-local-fn")
        answer(lam, name)  # warm
        found = watched_save(root, env, "fn", 5, lam, name, work / "logs" / "local-watch.log")
    finally:
        subprocess.run([sys.executable, "-m", "ws", "local", "down"], cwd=root, env=env,
                       capture_output=True)
    print(f"  local watch  save -> new code answering {found['save_to_answer']} s; "
          f"{found['lines']}")
    return found


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--delay", type=float, default=2.0, help="D: seconds a stack operation runs")
    p.add_argument("--lambda-delay", type=float, default=1.0, help="L: a function's update")
    p.add_argument("--parts", default="aws,express,local")
    p.add_argument("--json", type=Path)
    args = p.parse_args(argv)
    parts = args.parts.split(",")
    report: dict = {"delay": args.delay, "lambda_delay": args.lambda_delay}
    with tempfile.TemporaryDirectory(prefix="ws-bench-hotswap-") as tmp:
        work = Path(tmp)
        (work / "logs").mkdir()
        timing = Timing(delay_of=lambda name: args.delay)
        if "aws" in parts or "express" in parts:
            with moto_server(work / "logs" / "moto.log") as port:
                proxy = Proxy(port, AsyncStacks(timing),
                              AsyncFunctions(args.lambda_delay)).start()
                try:
                    print(f"AWS path: D = {args.delay:g} s, L = {args.lambda_delay:g} s")
                    if "aws" in parts:
                        report["aws"] = aws_phases(args, work, proxy)
                    if "express" in parts:
                        report["express"] = express_phases(args, work, proxy)
                finally:
                    proxy.stop()
        if "local" in parts:
            report["local_watch"] = local_watch(work)
    if args.json:
        args.json.write_text(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
