"""A CDK app (TypeScript, CDK v2) as a stack of the workspace, between a stack whose output is
its CDK context and a SAM stack that takes its output, deployed to the local endpoint. One test:
synth is slow (npm ci is cached per lock)."""
from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import time
from pathlib import Path

import pytest
from ws import api
from ws.engine.request import RunRequest
from ws.graph.selection import Selection
from ws.config.workspace import load_workspace
from ws.testing.workspaces import SAM_FUNCTION, queue_template, workspace_files, write_tree

FIXTURE = Path(__file__).parent.parent / "fixtures" / "cdkapp"
CACHE = Path.home() / ".cache" / "ws-tests"
MARKER = ".ws-npm-ci"


def node_modules() -> Path:
    """The fixture's node_modules, installed once per lock file under ~/.cache/ws-tests."""
    lock = hashlib.sha256((FIXTURE / "package-lock.json").read_bytes()).hexdigest()
    folder = CACHE / f"cdk-app-{lock[:16]}"
    modules = folder / "node_modules"
    if not (modules / MARKER).is_file():
        if shutil.which("npm") is None:
            pytest.skip("npm is not installed")
        folder.mkdir(parents=True, exist_ok=True)
        for name in ("package.json", "package-lock.json"):
            shutil.copy(FIXTURE / name, folder / name)
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=folder, check=True,
                       capture_output=True)
        (modules / MARKER).write_text(lock + "\n")
    return modules


@pytest.fixture
def root(tmp_path, endpoint):
    files = workspace_files(reader=(SAM_FUNCTION,
                                    {"parameters": {"Upstream": "${notes.TableName}"}}),
                            base=(queue_template({"Echo": {"Ref": "Tag"}}, parameters=["Tag"]),
                                  {"parameters": {"Tag": "L1"}}))
    files["stacks/reader/src/fn/handler.py"] = "def handler(event, context):\n    return 1\n"
    files["stacks/notes/stack.yaml"] = {"parameters": {"Greeting": "hi", "label": "${base.Echo}"}}
    write_tree(tmp_path, files)
    app = tmp_path / "stacks" / "notes"
    shutil.copytree(FIXTURE, app, dirs_exist_ok=True,
                    ignore=shutil.ignore_patterns("node_modules", "cdk.out"))
    (app / "node_modules").symlink_to(node_modules())
    return tmp_path


def deploy(root: Path) -> dict[str, str]:
    report = api.deploy(root, "local", RunRequest(changed=True))
    assert report.ok, [(s.stack, s.reason) for s in report.stacks]
    return {s.stack: s.status for s in report.stacks}


def manifests(root: Path) -> list[float]:
    return [p.stat().st_mtime for p in sorted((root / ".ws/cdk").glob("*/*/assembly/manifest.json"))]


def test_cdk_app_deploys_with_a_sam_stack(root, aws):
    started = time.monotonic()
    assert deploy(root) == {"base": "deployed", "notes": "deployed", "reader": "deployed"}
    first = time.monotonic() - started
    lam = aws("lambda")
    functions = {f["FunctionName"]: f for f in lam.list_functions()["Functions"]}
    writer = next(f for n, f in functions.items() if "Writer" in n)
    reader = next(f for n, f in functions.items() if "Writer" not in n)
    env = writer["Environment"]["Variables"]
    assert (env["GREETING"], env["LABEL"]) == ("hi", "L1")  # a CfnParameter; context: base's output
    outputs = load_workspace(root, "local").stacks["notes"].template.outputs
    assert outputs["Target"]["Value"] == "123456789012/us-east-1"  # CDK_DEFAULT_ACCOUNT, _REGION
    table = env["TABLE_NAME"]
    assert reader["Environment"]["Variables"]["UPSTREAM"] == table  # the app's output, wired
    assert aws("dynamodb").describe_table(TableName=table)["Table"]["TableStatus"] == "ACTIVE"

    synthesized = manifests(root)
    assert deploy(root) == {"base": "unchanged", "notes": "unchanged", "reader": "unchanged"}
    assert manifests(root) == synthesized  # nothing touched: no synth

    # a refactor that synthesizes the same template is unchanged (synth runs, nothing deploys)
    lib = root / "stacks/notes/lib/notes-stack.ts"
    lib.write_text("// refactored\n" + lib.read_text())
    assert deploy(root) == {"base": "unchanged", "notes": "unchanged", "reader": "unchanged"}
    assert manifests(root) != synthesized

    handler = root / "stacks/notes/handler/index.js"
    handler.write_text(handler.read_text().replace("version: 1", "version: 2"))
    plan = {i.stack: i.reason for i in api.plan(root, "local", Selection()).items}
    assert plan["notes"] == "code changed"  # the template is as it was: only the asset
    started = time.monotonic()
    assert deploy(root) == {"base": "unchanged", "notes": "deployed", "reader": "unchanged"}
    edited = time.monotonic() - started
    print(f"first deploy {first:.1f} s, --changed after a handler edit {edited:.1f} s "
          "(synthesized by the plan before it)")

    answer = lam.invoke(FunctionName=writer["FunctionName"], Payload=b"{}")
    payload = json.loads(answer["Payload"].read())
    assert payload == {"table": table, "greeting": "hi", "label": "L1", "version": 2}

    # the upstream output changes: the app is synthesized again with it, after base deploys
    write_tree(root, {"stacks/base/stack.yaml": {"parameters": {"Tag": "L2"}}})
    plan = {i.stack: i.reason for i in api.plan(root, "local", Selection()).items}
    assert plan["notes"] == "depends on base (decided after it deploys)"
    assert deploy(root) == {"base": "deployed", "notes": "deployed", "reader": "unchanged"}
    answer = lam.invoke(FunctionName=writer["FunctionName"], Payload=b"{}")
    assert json.loads(answer["Payload"].read())["label"] == "L2"

