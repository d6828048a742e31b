"""Benchmark: the check a deploy makes before touching any stack (prints figures; not a test).

Run: python tests/bench/bench_precheck.py [--stacks 50] [--full]

On a synthetic workspace of N small templates (a queue, a DynamoDB table, outputs):
- cold: nothing checked before (empty .ws/precheck): the time a first deploy pays, target <= 2 s
  for 50 templates on a 2-core machine;
- no-op: every template already passed: what a re-deploy or `--changed` with nothing changed pays;
- one leaf: one template edited;
- --full: `ws validate`'s full cfn-lint over the same templates, for comparison.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

from ws.config.environment import load_environment
from ws.config.workspace import load_workspace
from ws.lint.cfnlint import lint_all
from ws.lint.gate import before_deploy
from ws.testing.workspaces import queue_template, workspace_files, write_tree

TABLE = {"Type": "AWS::DynamoDB::Table", "Properties": {
    "BillingMode": "PAY_PER_REQUEST",
    "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}],
    "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}]}}


def template(n: int) -> str:
    return queue_template({"Url": {"Ref": "Queue"}, "Table": {"Ref": "Table"}, "N": str(n)},
                          resources={"Queue": {"Type": "AWS::SQS::Queue"}, "Table": TABLE})


def timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--stacks", type=int, default=50)
    parser.add_argument("--full", action="store_true", help="also time ws validate's cfn-lint")
    count = parser.parse_args().stacks
    full = parser.parse_args().full
    with tempfile.TemporaryDirectory() as tmp:
        root = write_tree(Path(tmp), workspace_files(
            name="bench", **{f"s{n}": (template(n), {}) for n in range(count)}))
        ws = load_workspace(root)
        env = load_environment(ws, "local")
        names = sorted(ws.stacks)
        check = lambda: before_deploy(ws, env, names)  # noqa: E731
        print(f"pre-deploy check of {count} templates, {os.cpu_count()} cores")
        print(f"  cold (nothing cached):   {timed(check):6.2f} s   target <= 2 s for 50")
        print(f"  no-op (all cached):      {timed(check):6.3f} s")
        leaf = ws.stacks[names[-1]].template.path
        body = json.loads(leaf.read_text())
        body["Outputs"]["Extra"] = {"Value": "x"}
        leaf.write_text(json.dumps(body))
        print(f"  one leaf edited:         {timed(check):6.2f} s")
        if full:
            templates = {s.template.display: s.template.path for s in ws.stacks.values()}
            print(f"  ws validate (full lint): {timed(lambda: lint_all(templates, env.region)):6.2f} s")


if __name__ == "__main__":
    sys.exit(main())
