"""Which runtimes run locally, on which Node.js, and what is said when they cannot."""
from __future__ import annotations

import dataclasses

import pytest

from ws.local.lambdas.launch import CannotRun, Launcher, data_limit, language, node_warning
from ws.local.lambdas.spec import FunctionSpec

SPEC = FunctionSpec(name="fn", arn="arn", version="$LATEST", runtime="nodejs20.x",
                    handler="index.handler", timeout=3, memory=128, env=(), code_sha="x",
                    region="us-east-1", account="123456789012")


def test_languages():
    assert [language(r) for r in ("python3.12", "nodejs22.x", "java21", "provided.al2023",
                                  "go1.x", "ruby3.3", "dotnet8")] == \
        ["python", "node", None, None, None, None, None]


def test_a_newer_node_than_the_installed_one_runs_with_a_warning_once():
    assert node_warning("nodejs20.x", 20) is None and node_warning("nodejs18.x", 20) is None
    assert "installed Node.js 20" in node_warning("nodejs22.x", 20)
    launcher = Launcher("http://127.0.0.1:1")
    launcher._node = ("/usr/bin/node", 20)  # as found on PATH
    newer = dataclasses.replace(SPEC, runtime="nodejs22.x")
    assert launcher.launch(newer).warning and launcher.launch(newer).warning is None
    assert "--max-old-space-size=128" in launcher.launch(newer).argv


def test_missing_node_and_other_runtimes_say_what_to_do(monkeypatch):
    monkeypatch.setenv("PATH", "/nonexistent")
    with pytest.raises(CannotRun, match="need node on PATH: install Node.js 18 or later"):
        Launcher("http://127.0.0.1:1").launch(SPEC)
    with pytest.raises(CannotRun, match="fn uses java21: test it on AWS"):
        Launcher("http://127.0.0.1:1").launch(dataclasses.replace(SPEC, runtime="java21"))


def test_the_data_limit_is_the_memory_size_and_headroom():
    assert data_limit(SPEC) == (128 + 128) * 1024 * 1024
