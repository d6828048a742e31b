"""The local LAMBDA_RUNTIME_DIR holds the runtime's SDK (boto3 and what it requires) and
nothing of ws's; every function's environment names it."""
from __future__ import annotations

from pathlib import Path

from ws.local.lambdas import runtimesdk
from ws.local.lambdas.process import worker_env
from ws.local.lambdas.spec import FunctionSpec


def test_the_runtime_dir_holds_the_sdk_and_nothing_of_ws(tmp_path):
    folder = runtimesdk.ensure(tmp_path / "_runtime")
    names = {p.name for p in folder.iterdir()}
    assert {"boto3", "botocore", "s3transfer", "jmespath", "dateutil", "urllib3"} <= names
    assert not names & {"ws", "moto", "spec.py", "worker.py", "webhttp.py", "click"}
    assert runtimesdk.ensure(folder) == folder  # made once


def test_functions_are_told_that_folder_as_lambda_runtime_dir(tmp_path):
    spec = FunctionSpec("f", "arn:aws:lambda:us-east-1:123456789012:function:f", "1",
                        "python3.12", "app.handler", 3, 128, (), "abc", "us-east-1",
                        "123456789012")
    task_root = tmp_path / "functions" / "f" / "v1"
    env = worker_env(spec, "http://127.0.0.1:1", task_root, "s")
    assert env["LAMBDA_RUNTIME_DIR"] == str(tmp_path / "functions" / "_runtime")
    assert Path(env["LAMBDA_RUNTIME_DIR"]) == runtimesdk.runtime_dir(task_root)
