"""Real builds from the package registries (small packages): a python3.12 arm64 function whose
wheels are not this interpreter's, a Node.js function's production dependencies, and a
TypeScript function bundled by esbuild."""
from __future__ import annotations

import io
import shutil
import zipfile

import pytest
from ws.package.build import Builder
from ws.package.code import code_folders
from ws.testing.workspaces import write_tree

PYTHON_FN = {"Type": "AWS::Serverless::Function", "Properties": {
    "CodeUri": "src/fn", "Handler": "app.handler", "Runtime": "python3.12",
    "Architectures": ["arm64"]}}
LAYER = {"Type": "AWS::Serverless::LayerVersion", "Metadata": {"BuildMethod": "python3.12"},
         "Properties": {"ContentUri": "src/layer", "CompatibleArchitectures": ["arm64"]}}


def members(data: bytes) -> list[str]:
    return zipfile.ZipFile(io.BytesIO(data)).namelist()


def test_python312_arm64_function_and_layer(tmp_path):
    write_tree(tmp_path, {
        "src/fn/app.py": "def handler(e, c):\n    return 1\n",
        "src/fn/requirements.txt": "six==1.17.0\nmarkupsafe==3.0.2\n",
        "src/layer/requirements.txt": "six==1.17.0\n", "src/layer/tools.py": ""})
    body = {"Resources": {"Fn": PYTHON_FN, "Layer": LAYER}}
    fn, layer = code_folders(body, tmp_path, "template.yaml")
    builder = Builder(tmp_path / ".ws/build", tmp_path)
    assert builder.build_all({"s": [fn, layer]}) == {}
    names = members(builder(fn))
    assert {"app.py", "six.py", "markupsafe/__init__.py"} <= set(names)
    assert "markupsafe/_speedups.cpython-312-aarch64-linux-gnu.so" in names
    assert not [n for n in names if n.endswith((".pyc", "direct_url.json"))]
    assert {"python/six.py", "python/tools.py"} <= set(members(builder(layer)))


@pytest.mark.skipif(not shutil.which("npm"), reason="npm is not installed")
def test_nodejs_dependencies_and_esbuild_typescript(tmp_path):
    write_tree(tmp_path, {
        "src/js/app.js": "const ms = require('ms');\nexports.handler = async () => ms(1000);\n",
        "src/js/package.json": '{"name": "js", "version": "1.0.0", '
                               '"dependencies": {"ms": "2.1.3"}, "devDependencies": {"x": "1"}}',
        "src/ts/app.ts": "import ms from 'ms';\n"
                         "export const handler = async (): Promise<string> => ms(1000);\n",
        "src/ts/package.json": '{"name": "ts", "version": "1.0.0", '
                               '"dependencies": {"ms": "2.1.3"}}'})
    body = {"Resources": {
        "Js": {"Type": "AWS::Serverless::Function", "Properties": {
            "CodeUri": "src/js", "Handler": "app.handler", "Runtime": "nodejs20.x"}},
        "Ts": {"Type": "AWS::Serverless::Function", "Metadata": {
            "BuildMethod": "esbuild", "BuildProperties": {"EntryPoints": ["app.ts"],
                                                          "Minify": False}},
               "Properties": {"CodeUri": "src/ts", "Handler": "app.handler",
                              "Runtime": "nodejs20.x"}}}}
    js, ts = code_folders(body, tmp_path, "template.yaml")
    builder = Builder(tmp_path / ".ws/build", tmp_path)
    assert builder.build_all({"s": [js, ts]}) == {}
    assert {"app.js", "package.json", "node_modules/ms/index.js"} <= set(members(builder(js)))
    bundle = zipfile.ZipFile(io.BytesIO(builder(ts)))
    assert bundle.namelist() == ["app.js"]
    code = bundle.read("app.js")
    assert b"365.25" in code and b'require("ms")' not in code  # ms bundled in


COMPILED = """Transform: AWS::Serverless-2016-10-31
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/fn/
      Handler: app.handler
      Runtime: python3.13
      Architectures: [arm64]
"""


def test_compiled_wheel_of_another_runtime_runs_on_the_local_endpoint(tmp_path, endpoint, aws):
    # python3.13 on arm64, run locally by ws's own interpreter: the compiled part of markupsafe
    # must be this Python's and this machine's, or the import fails as on a wrong Lambda
    from ws import api
    from ws.engine.request import RunRequest
    from ws.testing.workspaces import workspace_files
    files = workspace_files(native=(COMPILED, {}))
    files["stacks/native/src/fn/app.py"] = (
        "import markupsafe._speedups\nfrom markupsafe import escape\n"
        "def handler(event, context):\n    return str(escape('<b>'))\n")
    files["stacks/native/src/fn/requirements.txt"] = "markupsafe==3.0.2\n"
    write_tree(tmp_path, files)
    report = api.deploy(tmp_path, "local", RunRequest())
    assert report.ok, [(s.stack, s.reason) for s in report.stacks]
    lam = aws("lambda")
    (name,) = [f["FunctionName"] for f in lam.list_functions()["Functions"]
               if "native" in f["FunctionName"]]
    answer = lam.invoke(FunctionName=name, Payload=b"{}")
    payload = answer["Payload"].read()
    assert payload == b'"&lt;b&gt;"', payload
