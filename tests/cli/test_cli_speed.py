"""What a user sees of ws's speed work: light commands load nothing heavy, a deploy prints only
the outputs that changed (all with --outputs), progress lines in CI, phases in the report."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from ws.cloud.backend import LOCAL_ENDPOINT_VAR
from ws.testing.workspaces import queue_template, workspace_files, write_tree

# Loaded for real (a lazy module's parent package is imported, and is light: `rich`).
HEAVY = {"boto3", "botocore.session", "networkx", "rich.console", "moto", "cfnlint",
         "samtranslator"}
# `ws` run in this process, its end made an exception (it ends the process at once).
RUN_WS = ("import runpy, sys\n"
          "from ws.cli import lifetime\n"
          "def end(code):\n    raise SystemExit(code)\n"
          "lifetime.end = end\n"
          "try:\n    runpy.run_module('ws', run_name='__main__')\n"
          "except SystemExit:\n    pass\n")
PROBE = ("import sys\n"
         "sys.argv = ['ws', *sys.argv[1:]]\n" + RUN_WS +
         "print('LOADED', sorted({name for name, module in list(sys.modules.items())"
         " if type(module).__name__ != '_LazyModule'}))")  # type(): never loads a lazy one


def ws(root, *args, url):
    env = {**os.environ, LOCAL_ENDPOINT_VAR: url}
    return subprocess.run([sys.executable, "-m", "ws", "--workspace", str(root), *args],
                          capture_output=True, text=True, env=env, timeout=300)


def loaded(*args: str, cwd=None) -> set[str]:
    """The modules `ws ARGS` really loaded (lazy ones never touched left out)."""
    done = subprocess.run([sys.executable, "-c", PROBE, *args], capture_output=True, text=True,
                          cwd=cwd, timeout=60)
    line = [x for x in done.stdout.splitlines() if x.startswith("LOADED")][-1]
    return set(eval(line[len("LOADED "):]))  # noqa: S307 - our own probe's list of names


@pytest.mark.parametrize("args", [("--help",), ("deploy", "--help")])
def test_help_loads_no_aws_graph_or_console_library(args):
    assert not HEAVY & loaded(*args)


def test_graph_loads_no_aws_moto_or_cfn_lint(tmp_path):
    root = write_tree(tmp_path, workspace_files(db=(queue_template({"Url": "u"}), {})))
    assert not (HEAVY - {"networkx"}) & loaded("--workspace", str(root), "graph", "--env",
                                               "local")


def test_deploy_prints_the_outputs_table_when_asked(tmp_path, moto_url):
    root = write_tree(tmp_path / "w", workspace_files(
        db=(queue_template({"DbOut": "db-value"}), {}),
        lone=(queue_template({"LoneOut": "lone-value"}), {})))
    first = ws(root, "deploy", "--env", "local", url=moto_url)
    assert first.returncode == 0, first.stderr
    assert "db-value" not in first.stdout  # no site or API: nothing to open, no table
    assert "every output: ws deploy --outputs, or ws outputs --env local" in first.stdout
    write_tree(root, {"stacks/db/template.yaml": queue_template({"DbOut": "db-v2"})})
    report_file = tmp_path / "run.json"
    second = ws(root, "deploy", "--env", "local", "--changed", "--report", str(report_file),
                url=moto_url)
    assert second.returncode == 0, second.stderr
    everything = ws(root, "deploy", "--env", "local", "--changed", "--outputs", url=moto_url)
    assert "db-v2" in everything.stdout and "lone-value" in everything.stdout
    phases = [p["name"] for p in json.loads(report_file.read_text())["phases"]]
    assert phases[0] == "load"  # the endpoint runs: the check went on while ws attached
    assert {"template check", "endpoint start", "locks", "live-state read", "plan",
            "packaging and builds"} <= set(phases)
    assert " done, " in second.stdout  # the overall progress line (plain output: CI, pipes)


def test_the_cli_hides_from_botocore_what_ws_never_uses():
    """awscrt and pyOpenSSL (installed with aws-sam-cli) cost every AWS command 0.1 s of
    imports; after the CLI starts, botocore takes its fallbacks and loads neither."""
    probe = ("import sys\nsys.argv = ['ws', '--help']\n" + RUN_WS +
             "import boto3, botocore.compat\n"
             "boto3.client('sts', region_name='us-east-1')\n"
             "print('CRT', botocore.compat.HAS_CRT, sorted(n for n in sys.modules"
             " if n.split('.')[0] in ('awscrt', 'OpenSSL') and sys.modules[n] is not None))")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          timeout=60)
    assert done.stdout.splitlines()[-1] == "CRT False []", done.stderr
