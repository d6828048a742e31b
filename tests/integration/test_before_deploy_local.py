"""`before_deploy:` on the local endpoint: a stack whose template and code come out of its
build target deploys and runs; a failing build blocks only the stacks that depend on it."""
from __future__ import annotations

import json
import sys

from ws import api
from ws.engine.request import RunRequest
from ws.testing.workspaces import SAM_FUNCTION, queue_template, workspace_files, write_tree

PY = sys.executable
# The "build": the template with its code folder renamed, and the handler made from a source.
BUILD = f"""import pathlib
out = pathlib.Path("build/src/fn"); out.mkdir(parents=True, exist_ok=True)
text = pathlib.Path("handler.src").read_text()
(out / "handler.py").write_text("def handler(event, context):\\n    return " + text)
pathlib.Path("build/template.yaml").write_text(
    pathlib.Path("template.in").read_text().replace("CodeUri: src/fn/", "CodeUri: src/fn"))
"""


def stack(command: str) -> dict:
    return {"template": "build/template.yaml", "before_deploy": ["build"],
            "parameters": {"Upstream": "up"},
            "targets": {"build": {"command": command, "outputs": ["build/**"]}}}


def test_the_build_makes_template_and_code_and_a_failed_build_blocks_its_dependents(
        tmp_path, endpoint, aws):
    files = workspace_files(
        fn=(SAM_FUNCTION, stack(f"{PY} build.py")),
        bad=(queue_template({"Out": "x"}), stack("echo resolving; echo 'tsc: error' >&2; exit 1")),
        after=(queue_template(parameters=["In"]), {"parameters": {"In": "${bad.Out}"}}),
        lone=(queue_template(), {}))
    for name in ("fn", "bad"):
        files[f"stacks/{name}/template.in"] = files.pop(f"stacks/{name}/template.yaml")
    files["stacks/fn/build.py"] = BUILD
    files["stacks/fn/handler.src"] = "{'built': True}\n"
    del files["stacks/bad/stack.yaml"]["parameters"]
    write_tree(tmp_path, files)

    report = api.deploy(tmp_path, "local", RunRequest())
    found = {s.stack: (s.status, s.reason) for s in report.stacks}
    assert found["fn"][0] == "deployed" and found["lone"][0] == "deployed"
    assert found["bad"][0] == "failed" and "before_deploy target build failed" in found["bad"][1]
    assert "tsc: error" in found["bad"][1]
    assert found["after"][0] == "blocked" and "bad" in found["after"][1]
    assert report.exit_code == 1
    cfn, lam = aws("cloudformation"), aws("lambda")
    name = cfn.describe_stack_resource(StackName="demo-local-fn", LogicalResourceId="Fn")[
        "StackResourceDetail"]["PhysicalResourceId"]
    assert json.loads(lam.invoke(FunctionName=name)["Payload"].read()) == {"built": True}

    (tmp_path / "stacks/fn/handler.src").write_text("{'built': 2}\n")
    fixed = stack("mkdir -p build && cp template.in build/template.yaml")
    del fixed["parameters"]
    write_tree(tmp_path, {"stacks/bad/stack.yaml": fixed})
    again = api.deploy(tmp_path, "local", RunRequest(changed=True))
    assert again.ok, [(s.stack, s.reason) for s in again.stacks]
    assert {s.stack: s.status for s in again.stacks} == {
        "fn": "deployed", "bad": "deployed", "after": "deployed", "lone": "unchanged"}
    assert json.loads(lam.invoke(FunctionName=name)["Payload"].read()) == {"built": 2}
    nothing = api.deploy(tmp_path, "local", RunRequest(changed=True))
    assert {s.status for s in nothing.stacks} == {"unchanged"}
