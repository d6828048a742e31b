"""A function whose handler file is not in its code folder (a .gitignore kept index.js out):
Lambda takes the code and fails every invoke with Runtime.ImportModuleError, so ws validate
warns, naming the function, the files looked for and the line of its Handler."""
from __future__ import annotations

import json

import pytest

from ws.config.environment import load_environment
from ws.config.workspace import load_workspace
from ws.lint.validate import validate
from ws.testing.workspaces import workspace_files, write_tree


def _template(handler: str, runtime: str, metadata: dict | None = None) -> str:
    function = {"Type": "AWS::Serverless::Function", "Properties": {
        "CodeUri": "src/", "Handler": handler, "Runtime": runtime}}
    if metadata:
        function["Metadata"] = metadata
    return json.dumps({"Transform": "AWS::Serverless-2016-10-31",
                       "Resources": {"Fn": function}}, indent=1)


def _warnings(tmp_path, template: str, files: dict) -> list:
    tree = workspace_files(api=(template, {}))
    tree.update({f"stacks/api/src/{name}": text for name, text in files.items()})
    ws = load_workspace(write_tree(tmp_path, tree))
    return [f for f in validate(ws, load_environment(ws, "local")).findings if f.rule == "WS004"]


@pytest.mark.parametrize("handler,runtime,files", [
    ("index.handler", "nodejs20.x", {"package.json": "{}"}),
    ("lib/app.handler", "nodejs20.x", {"app.js": ""}),
    ("app.handler", "python3.12", {"requirements.txt": ""}),
    ("pkg.app.handler", "python3.12", {"app.py": ""})])
def test_a_handler_file_missing_from_the_code_folder_is_a_warning(tmp_path, handler, runtime,
                                                                  files):
    found = _warnings(tmp_path, _template(handler, runtime), files)
    assert len(found) == 1 and found[0].level == "warning"
    assert found[0].display == "stacks/api/template.yaml" and found[0].line > 1
    module = handler.rsplit(".", 1)[0]
    assert f"Fn: handler {handler}" in found[0].message
    assert (f"{module}.js" if runtime.startswith("node") else
            f"{module.replace('.', '/')}.py") in found[0].message
    assert "Runtime.ImportModuleError" in found[0].message


@pytest.mark.parametrize("handler,runtime,files", [
    ("index.handler", "nodejs20.x", {"index.js": ""}),
    ("index.handler", "nodejs20.x", {"index.mjs": ""}),
    ("lib/app.handler", "nodejs22.x", {"lib/app.cjs": ""}),
    ("app.handler", "python3.12", {"app.py": ""}),
    ("pkg.app.handler", "python3.12", {"pkg/app.py": ""}),
    ("pkg.handler", "python3.12", {"pkg/__init__.py": ""})])
def test_a_handler_file_in_place_says_nothing(tmp_path, handler, runtime, files):
    assert _warnings(tmp_path, _template(handler, runtime), files) == []


def test_code_a_build_makes_is_not_looked_for(tmp_path):
    """esbuild bundles app.ts into app.js; a makefile makes what it makes."""
    esbuild = {"BuildMethod": "esbuild", "BuildProperties": {"EntryPoints": ["app.ts"]}}
    assert _warnings(tmp_path, _template("app.handler", "nodejs20.x", esbuild),
                     {"app.ts": ""}) == []
    assert _warnings(tmp_path, _template("app.handler", "java21"), {"App.java": ""}) == []
