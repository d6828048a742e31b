"""Benchmark: real templates deployed to the local endpoint, one stack at a time (prints figures).

Run: python tests/bench/bench_corpus.py DIR [DIR ...] [--json FILE] [--match TEXT] [--limit N] [--project] [--cdk]
(`--again FILE` classes an earlier run's --json again, deploying nothing.)

DIR is a ws workspace (it has a workspace.yaml) or any folder of real SAM/CloudFormation
projects (a public repository, a collection of patterns). Plain folders are adopted as a user
would, on a copy (DIR is never touched): one workspace for all of them, a `stack.yaml` in each
folder that holds a `template.yaml`/`template.yml` (or, with `--cdk`, a CDK app) giving the
stack a short name, as authors name theirs (`sam deploy --stack-name orders`: the project's
folder, at most 24 characters, with ws's "-local"), and a value to each parameter without a
default (printed). One endpoint serves the whole run.

Each template is an independent project its author would deploy alone into an account of its
own, so each is tried alone: the workspace lists only that stack, `ws deploy --env local
--stacks NAME --yes`, its functions invoked with `{}` (a function's own error counts as ran; a
runtime that could not start it does not), its REST/HTTP API routes called (a function's or
authorizer's answer counts; the local gateway's refusal does not), then `ws destroy` and a
check that the stack is gone. Per stack it prints where it stopped (READ, CHECK, BUILD,
FAILED on the endpoint, DEPLOYED), whether it was destroyed, the placeholders the deploy
reported, and each failure with its class and reason (corpus_classify.py: the template's, a
missing toolchain's, ws's or the endpoint's; the rules are printed as a legend). It ends with
the failures listed per class, the totals, the deploy rate over all templates and over those
not at fault, failures counted by resource type, and whether the endpoint is still alive and
was one process throughout.
"""
from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict, fields
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tools/ws/src"))

from corpus_adopt import find_templates  # noqa: E402
from corpus_report import judge, print_report, run_exports, summary  # noqa: E402
from corpus_result import StackResult  # noqa: E402
from corpus_run import run  # noqa: E402


def judged_again(path: Path, exports: tuple) -> list[dict]:
    folders = json.loads(path.read_text())["folders"]
    names = {f.name for f in fields(StackResult)}
    for folder in folders:
        results = [StackResult(**{k: v for k, v in s.items() if k in names})
                   for s in folder["stacks"]]
        for result in results:
            judge(result, exports)
        folder["stacks"] = [asdict(r) for r in results]
    return folders


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dirs", nargs="+", type=Path)
    parser.add_argument("--json", type=Path, help="write every result here")
    parser.add_argument("--match", help="only stacks whose folder contains this text")
    parser.add_argument("--limit", type=int, help="at most this many stacks per folder")
    parser.add_argument("--project", action="store_true",
                        help="each DIR is one multi-service project: its stacks deploy in the "
                             "graph's order, stay up for their dependents, and are destroyed "
                             "together at the end")
    parser.add_argument("--cdk", action="store_true",
                        help="adopt CDK apps (cdk.json) too: one app that fails to synthesize "
                             "refuses the whole workspace, as any bad input does")
    parser.add_argument("--again", type=Path, metavar="JSON",
                        help="deploy nothing: class the failures of an earlier run's --json "
                             "again with the current rules and print its report")
    parser.add_argument("--keep", action="store_true",
                        help="keep the adopted copy (/tmp/wscorpus-*, some GB with its builds) "
                             "to look into; it is removed at the end otherwise")
    args = parser.parse_args()
    sources = [d.resolve() for d in args.dirs]
    exports = run_exports([t for d in sources for t in find_templates(d)])
    folders = judged_again(args.again, exports) if args.again else run(sources, args, exports)
    totals = summary(folders)
    print_report(folders, totals)
    if args.json:
        args.json.write_text(json.dumps({"totals": totals, "folders": folders}, indent=1))


if __name__ == "__main__":
    main()
