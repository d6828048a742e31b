"""A local Python function imports what Lambda's Python runtime offers it: its code, its layers,
the standard library and the runtime's SDK (boto3 and what it requires); never what ws's own
environment holds (requests, moto, ws...), which would fail on AWS with
Runtime.ImportModuleError. A module of its own named like one of the worker's wins."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from ws.local.lambdas.spec import FunctionSpec
from ws.testing.workers import invoke_once

SDK = ("boto3", "botocore", "s3transfer", "jmespath", "dateutil", "urllib3", "six")
WS_ENVIRONMENT = ("ws", "moto", "requests", "yaml", "flask", "rich", "click")
FOUND = """
import importlib.util, sys

def handler(event, context):
    return {name: bool(importlib.util.find_spec(name)) for name in event["names"]}
"""


def spec(env: tuple[tuple[str, str], ...] = ()) -> FunctionSpec:
    return FunctionSpec(name="imports", arn="arn:aws:lambda:us-east-1:123456789012:function:i",
                        version="$LATEST", runtime="python3.11", handler="app.handler",
                        timeout=5, memory=128, env=env, code_sha="x", region="us-east-1",
                        account="123456789012")


def run(root: Path, files: dict[str, str], event: dict, env: tuple = ()) -> tuple[bool, object]:
    """Invoke once a worker whose code is `files`: (ok, the decoded payload)."""
    task_root = root / "functions" / "imports" / "v1"
    for path, text in files.items():
        (task_root / path).parent.mkdir(parents=True, exist_ok=True)
        (task_root / path).write_text(text)
    reply = invoke_once(spec(env), task_root, json.dumps(event))
    return reply["ok"], json.loads(reply["payload"])


@pytest.mark.parametrize("name", ["requests", "ws", "moto"])
def test_an_undeclared_package_of_ws_environment_fails_to_import_as_on_aws(tmp_path, name):
    ok, error = run(tmp_path, {"app.py": f"import {name}\ndef handler(e, c):\n    return 1\n"},
                    {})
    assert not ok
    assert error["errorType"] == "Runtime.ImportModuleError"
    assert error["errorMessage"] == \
        f"Unable to import module 'app': No module named '{name}'"


def test_only_the_runtimes_sdk_is_there_besides_the_standard_library(tmp_path):
    ok, found = run(tmp_path, {"app.py": FOUND}, {"names": [*SDK, *WS_ENVIRONMENT]})
    assert ok, found
    assert found == {**dict.fromkeys(SDK, True), **dict.fromkeys(WS_ENVIRONMENT, False)}


def test_the_path_holds_nothing_of_ws_site_packages_or_its_folders(tmp_path, monkeypatch):
    monkeypatch.setenv("PYTHONPATH", str(Path.cwd()))  # ws's environment: never the function's
    code = "import sys\ndef handler(e, c):\n    return sys.path\n"
    ok, path = run(tmp_path, {"app.py": code}, {})
    assert ok, path
    task_root = str(tmp_path / "functions" / "imports" / "v1")
    assert path[0] == task_root
    assert path[-1] == str(tmp_path / "functions" / "_runtime")
    assert not [p for p in path if "site-packages" in p or p in (str(Path.cwd()), "")]
    assert not [p for p in path if p.startswith(sys.prefix) and sys.prefix != sys.base_prefix]


def test_a_declared_package_in_the_code_and_a_bundled_boto3_win(tmp_path):
    files = {"app.py": "import requests, boto3\n"
                       "def handler(e, c):\n    return [requests.WHO, boto3.WHO]\n",
             "requests/__init__.py": "WHO = 'bundled requests'\n",
             "boto3/__init__.py": "WHO = 'bundled boto3'\n"}
    assert run(tmp_path, files, {}) == (True, ["bundled requests", "bundled boto3"])


def test_boto3_is_there_undeclared_and_makes_clients(tmp_path):
    code = ("import boto3\ndef handler(e, c):\n"
            "    return boto3.client('s3', region_name='us-east-1').meta.region_name\n")
    assert run(tmp_path, {"app.py": code}, {}) == (True, "us-east-1")


def test_its_modules_named_like_the_workers_win(tmp_path):
    names = ("worker", "shepherd", "urls", "spec", "layers", "runtimesdk")
    files = {f"{name}.py": f"WHO = 'user {name}'\n" for name in names}
    files["app.py"] = (f"import {', '.join(names)}\ndef handler(e, c):\n"
                       f"    return [{', '.join(f'{n}.WHO' for n in names)}]\n")
    assert run(tmp_path, files, {}) == (True, [f"user {name}" for name in names])


def test_its_own_pythonpath_is_searched_after_its_code(tmp_path):
    files = {"app.py": "import deep\ndef handler(e, c):\n    return deep.WHO\n",
             "vendor/deep.py": "WHO = 'vendored'\n"}
    env = (("PYTHONPATH", str(tmp_path / "functions" / "imports" / "v1" / "vendor")),)
    assert run(tmp_path, files, {}, env) == (True, "vendored")


def test_the_builtins_site_adds_are_there(tmp_path):
    code = "def handler(e, c):\n    return [callable(exit), callable(quit), callable(help)]\n"
    assert run(tmp_path, {"app.py": code}, {}) == (True, [True, True, True])
