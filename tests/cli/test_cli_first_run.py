"""A first `tools/dev deploy` of the store, as a newcomer runs it: it says where the local
endpoint started and ends with the URLs to open; help and hints name the command typed."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from ws.cli.prog import named
from ws.cloud.backend import LOCAL_ENDPOINT_VAR

ROOT = Path(__file__).resolve().parents[2]
AS_TOOLS_DEV = {"WS_PROG": "tools/dev", "WS_DEFAULT_ENV": "local"}  # what tools/dev exports


def ws(root: Path, *args: str, **variables: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in (LOCAL_ENDPOINT_VAR, "WS_PROG",
                                                            "WS_DEFAULT_ENV")}
    return subprocess.run([sys.executable, "-m", "ws", *args], cwd=root, capture_output=True,
                          text=True, env={**env, **variables}, timeout=300)


@pytest.fixture
def store(tmp_path):
    """A copy of the store workspace; its own endpoint is stopped at the end."""
    for name in ("workspace.yaml", "stacks", "environments"):
        source, target = ROOT / name, tmp_path / name
        if source.is_dir():
            shutil.copytree(source, target,
                            ignore=shutil.ignore_patterns("__pycache__", ".ws", "config.json"))
        else:
            shutil.copy(source, target)
    yield tmp_path
    ws(tmp_path, "local", "down")


def test_a_fresh_deploy_says_where_the_endpoint_is_and_ends_with_the_site(store):
    first = ws(store, "deploy", **AS_TOOLS_DEV)
    assert first.returncode == 0, first.stdout + first.stderr
    started = re.search(r"started the local endpoint at (http://localhost:\d+) \(logs: "
                        r"\.ws/local/server\.log; stop it with tools/dev local down\)",
                        first.stderr)
    assert started, first.stderr
    site = re.escape(started[1]) + r"/_ws/cdn/\w+/"
    assert re.search(r"^Open:\n  ui\.WebsiteUrl +" + site + "$", first.stdout, re.M), first.stdout
    assert re.search(r"^  api\.ApiUrl +" + re.escape(started[1]) + "/_ws/api/", first.stdout,
                     re.M)
    assert "OrdersQueueArn" not in first.stdout  # the outputs table only with --outputs
    assert "every output: tools/dev deploy --outputs" in first.stdout
    again = ws(store, "deploy", **AS_TOOLS_DEV)  # nothing changed: still what to open
    assert again.returncode == 0 and "started the local endpoint" not in again.stderr
    assert re.search(r"^  ui\.WebsiteUrl +" + site + "$", again.stdout, re.M), again.stdout
    table = ws(store, "deploy", "--outputs", **AS_TOOLS_DEV)
    assert "OrdersQueueArn" in table.stdout and "Open:" in table.stdout


def test_help_and_hints_name_the_wrapper_and_its_default_env(tmp_path):
    helped = ws(tmp_path, "deploy", "--help", **AS_TOOLS_DEV).stdout
    assert helped.startswith("Usage: tools/dev deploy [OPTIONS]")
    assert "[default: local]" in helped and "[required]" not in helped
    assert "[required]" in ws(tmp_path, "deploy", "--help").stdout  # plain ws: --env needed
    wrong = ws(tmp_path, "deploy", "--bogus", **AS_TOOLS_DEV)
    assert wrong.returncode == 2 and "Try 'tools/dev deploy --help'" in wrong.stderr


def test_hints_say_the_program_name(monkeypatch):
    monkeypatch.setenv("WS_PROG", "tools/dev")
    assert named("run ws outputs --env local; see .ws/local and ws:purpose") == \
        "run tools/dev outputs --env local; see .ws/local and ws:purpose"
    monkeypatch.delenv("WS_PROG")
    assert named("run ws outputs") == "run ws outputs"
