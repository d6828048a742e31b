"""A local Python function imports a package it declares in its requirements.txt (built from
the package registry for the local endpoint), as on Lambda; undeclared, the same import fails
(tests/local/test_lambda_imports.py)."""
from __future__ import annotations

import io
import json
import time
import zipfile

from ws.local.lambdas.launch import Launcher
from ws.local.lambdas.process import WorkerProcess
from ws.local.lambdas.spec import FunctionSpec
from ws.package.build import Builder
from ws.package.code import code_folders
from ws.testing.workspaces import write_tree

APP = "import requests\ndef handler(e, c):\n    return requests.__file__\n"
FUNCTION = {"Type": "AWS::Serverless::Function", "Properties": {
    "CodeUri": "src/fn", "Handler": "app.handler", "Runtime": "python3.12"}}
SPEC = FunctionSpec(name="fn", arn="arn:aws:lambda:us-east-1:123456789012:function:fn",
                    version="$LATEST", runtime="python3.12", handler="app.handler", timeout=5,
                    memory=128, env=(), code_sha="x", region="us-east-1",
                    account="123456789012")


def test_a_package_in_requirements_txt_imports(tmp_path):
    write_tree(tmp_path, {"src/fn/app.py": APP, "src/fn/requirements.txt": "requests\n"})
    (fn,) = code_folders({"Resources": {"Fn": FUNCTION}}, tmp_path, "template.yaml")
    builder = Builder(tmp_path / ".ws/build", tmp_path, local=True)
    assert builder.build_all({"s": [fn]}) == {}
    task_root = tmp_path / "functions" / "fn" / "v1"
    zipfile.ZipFile(io.BytesIO(builder(fn))).extractall(task_root)
    process = WorkerProcess(SPEC, task_root, "http://127.0.0.1:1",
                            Launcher("http://127.0.0.1:1").launch(SPEC, task_root))
    request = {"request_id": "r-1", "event": "{}", "handler": "app.handler",
               "deadline_ms": time.time() * 1000 + 5000, "function_name": "fn",
               "version": "$LATEST", "arn": "arn", "memory": 128, "log_group": "g",
               "log_stream": "s"}
    try:
        reply = process.invoke(request, time.monotonic() + 10)
    finally:
        process.kill()
    assert reply["ok"], reply
    assert json.loads(reply["payload"]) == str(task_root / "requests" / "__init__.py")
