"""A local Python function imports a package it declares in its requirements.txt (built from
the package registry for the local endpoint), as on Lambda; undeclared, the same import fails
(tests/local/test_lambda_imports.py)."""
from __future__ import annotations

import io
import json
import zipfile

from ws.local.lambdas.spec import FunctionSpec
from ws.package.build import Builder
from ws.package.code import code_folders
from ws.testing.workers import invoke_once
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
    reply = invoke_once(SPEC, task_root, "{}")
    assert reply["ok"], reply
    assert json.loads(reply["payload"]) == str(task_root / "requests" / "__init__.py")
