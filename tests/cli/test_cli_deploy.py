"""`ws deploy` / `ws destroy` as a user runs them: a subprocess against the local endpoint."""
from __future__ import annotations

import json
import os
import subprocess
import sys

from ws.cloud.backend import LOCAL_ENDPOINT_VAR
from ws.testing.workspaces import (
    broken_template,
    queue_template,
    workspace_files,
    write_tree,
)


def ws(root, *args, url):
    env = {**os.environ, LOCAL_ENDPOINT_VAR: url}
    return subprocess.run([sys.executable, "-m", "ws", "--workspace", str(root), *args],
                          capture_output=True, text=True, env=env, timeout=300)


def test_failure_report_exit_code_and_plain_output(tmp_path, moto_url):
    root = write_tree(tmp_path / "w", workspace_files(
        db=(broken_template(outputs=("Url",)), {}),
        app=(queue_template(parameters=["Url"]), {"parameters": {"Url": "${db.Url}"}}),
        lone=(queue_template({"Name": {"Fn::GetAtt": ["Queue", "QueueName"]}}), {})))
    report_file = tmp_path / "run.json"
    result = ws(root, "deploy", "--env", "local", "--report", str(report_file), url=moto_url)
    assert result.returncode == 1, result.stderr
    assert "\x1b[" not in result.stdout  # not a terminal: no control codes
    lines = [line.strip() for line in result.stdout.splitlines()]
    assert "lone | DEPLOYED" in lines and "app | BLOCKED: blocked by db" in lines
    assert "failed: db:" in result.stderr
    report = json.loads(report_file.read_text())
    status = {s["stack"]: s for s in report["stacks"]}
    assert report["exit_code"] == 1 and report["ok"] is False and report["target"] == "local"
    assert status["db"]["status"] == "failed" and "bucket" in status["db"]["reason"]
    assert status["app"]["status"] == "blocked" and status["app"]["reason"] == "blocked by db"
    assert status["lone"]["status"] == "deployed" and status["lone"]["outputs"]["Name"]

    html = tmp_path / "run.html"
    page = ws(root, "report", str(report_file), "--html", str(html), url=moto_url)
    assert page.returncode == 0 and "<svg" in html.read_text() and "http" not in \
        html.read_text().replace("http://www.w3.org/2000/svg", "")

    write_tree(root, {"stacks/db/template.yaml": queue_template({"Url": {"Ref": "Queue"}})})
    fixed = ws(root, "deploy", "--env", "local", url=moto_url)
    assert fixed.returncode == 0, fixed.stdout + fixed.stderr
    outputs = json.loads(ws(root, "outputs", "--env", "local", "--json", url=moto_url).stdout)
    assert outputs["db"]["Url"].startswith("http") and outputs["app"] == {}

    gone = ws(root, "destroy", "--env", "local", url=moto_url)
    assert gone.returncode == 0, gone.stderr
    after = json.loads(ws(root, "outputs", "--env", "local", "--json", url=moto_url).stdout)
    assert after == {"db": None, "app": None, "lone": None}


def test_plan_json_and_prune_of_orphans(tmp_path, moto_url):
    root = write_tree(tmp_path / "w", workspace_files(
        keep=(queue_template({"Url": {"Ref": "Queue"}}), {}), gone=(queue_template(), {})))
    assert ws(root, "deploy", "--env", "local", url=moto_url).returncode == 0
    plan = json.loads(ws(root, "plan", "--env", "local", "--format", "json", url=moto_url).stdout)
    assert {(i["stack"], i["action"], i["reason"]) for i in plan} == {
        ("keep", "skip", "unchanged"), ("gone", "skip", "unchanged")}
    for name in ("stack.yaml", "template.yaml"):
        (root / "stacks/gone" / name).unlink()
    (root / "stacks/gone").rmdir()
    plan = json.loads(ws(root, "plan", "--env", "local", "--format", "json", url=moto_url).stdout)
    assert [(i["stack"], i["action"]) for i in plan] == [("keep", "skip"), ("gone", "orphaned")]
    refused = ws(root, "deploy", "--env", "local", "--changed", "--prune", url=moto_url)
    assert refused.returncode == 2 and "--yes" in refused.stderr
    pruned = ws(root, "deploy", "--env", "local", "--changed", "--prune", "--yes", url=moto_url)
    assert pruned.returncode == 0, pruned.stderr
    plan = json.loads(ws(root, "plan", "--env", "local", "--format", "json", url=moto_url).stdout)
    assert [(i["stack"], i["action"]) for i in plan] == [("keep", "skip")]


def test_github_actions_groups_summary_and_junit(tmp_path, moto_url):
    root = write_tree(tmp_path / "w", workspace_files(
        db=(broken_template(outputs=("Url",)), {}),
        app=(queue_template(parameters=["Url"]), {"parameters": {"Url": "${db.Url}"}}),
        lone=(queue_template({"Name": {"Fn::GetAtt": ["Queue", "QueueName"]}}), {})))
    summary, junit_file = tmp_path / "summary.md", tmp_path / "junit.xml"
    env = {**os.environ, LOCAL_ENDPOINT_VAR: moto_url, "GITHUB_ACTIONS": "true",
           "GITHUB_STEP_SUMMARY": str(summary)}
    result = subprocess.run([sys.executable, "-m", "ws", "-w", str(root), "deploy", "--env",
                             "local", "--junit", str(junit_file)],
                            capture_output=True, text=True, env=env, timeout=300)
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    start = lines.index("::group::lone: deployed")
    end = lines.index("::endgroup::", start)
    assert all(line.startswith("lone | ") for line in lines[start + 1:end])  # one stack per group
    assert any(line.startswith("::group::db: failed: ") for line in lines)
    assert any(line.startswith("::error title=ws%3A db failed::") for line in lines)  # escaped
    text = summary.read_text()
    assert text.startswith("### ws deploy --env local: failed")
    assert "| app | ⛔ blocked |  | blocked by db |" in text
    xml = junit_file.read_text()
    assert '<testcase classname="ws.local" name="db"' in xml and "<failure" in xml
    assert '<skipped message="blocked: blocked by db" />' in xml

    plan = subprocess.run([sys.executable, "-m", "ws", "-w", str(root), "plan", "--env", "local",
                           "--format", "matrix"], capture_output=True, text=True, env=env,
                          timeout=300)
    assert json.loads(plan.stdout) == {"include": [{"group": "db+app", "stacks": "db,app"}]}
    assert summary.read_text().count("### ws plan --env local: 2 to deploy") == 1
