"""`ws run TARGET`: targets declared with file:line errors, output per task, exit codes, JUnit."""
from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from click.testing import CliRunner
from ws.cli.commands import cli
from ws.testing.workspaces import queue_template, workspace_files, write_tree


def files(lint: object = None, db: dict | None = None, app: dict | None = None) -> dict:
    tree = workspace_files(
        db=(queue_template({"Name": "n"}), db or {}),
        app=(queue_template(parameters=["Db"]), {"parameters": {"Db": "${db.Name}"},
                                                 **(app or {})}))
    tree["workspace.yaml"] = {"name": "demo", "defaults": {"targets": {
        "lint": lint or {"command": "echo lint of $WS_STACK"}}}}
    return tree


def invoke(tmp_path, *args, env=None):
    return CliRunner().invoke(cli, ["--workspace", str(tmp_path), *args], env=env)


def test_default_targets_run_for_every_stack_prefixed_with_a_summary(tmp_path):
    write_tree(tmp_path, files())
    result = invoke(tmp_path, "run", "lint")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert "db:lint | lint of db" in lines and "app:lint | lint of app" in lines
    assert lines[-1].startswith("2 task(s): 2 ran, 0 cached, 0 failed, 0 skipped in ")
    again = invoke(tmp_path, "run", "lint")
    assert "2 task(s): 0 ran, 2 cached" in again.output
    assert "db:lint | lint of db" in again.output  # replayed


def test_a_stack_replaces_or_switches_off_a_default(tmp_path):
    write_tree(tmp_path, files(db={"targets": {"lint": False}},
                               app={"targets": {"lint": {"command": ["echo", "own"]}}}))
    result = invoke(tmp_path, "run", "lint")
    assert result.exit_code == 0, result.output
    assert "app:lint | own" in result.output and "db:lint" not in result.output


def test_a_failure_exits_1_skips_dependents_and_is_in_the_junit_file(tmp_path):
    write_tree(tmp_path, files(lint={"command": "echo broken; exit 2", "dependsOn": ["^lint"]}))
    junit = tmp_path / "out.xml"
    result = invoke(tmp_path, "run", "lint", "--junit", str(junit),
                    env={"GITHUB_ACTIONS": "true"})
    assert result.exit_code == 1
    assert "::group::db:lint: failed (exit code 2)" in result.output
    assert "app:lint: skipped (blocked by db:lint)" in result.output
    suite = ET.parse(junit).getroot()
    assert (suite.get("tests"), suite.get("failures"), suite.get("skipped")) == ("2", "1", "1")
    assert suite.find("testcase/failure").text == "broken\n"


@pytest.mark.parametrize("targets, message", [
    ({"lint": {"comand": "x"}}, "stacks/db/stack.yaml:3: unknown key 'comand' in target 'lint'"),
    ({"lint": {"command": 3}}, "stacks/db/stack.yaml:3: target 'lint': 'command' must be"),
    ({"test": {"command": "x", "dependsOn": ["lnt"]}},
     "stacks/db/stack.yaml:2: target 'test' depends on 'lnt', which this stack does not have"),
    ({"lint": {"command": "x", "env": ["NOT A NAME"]}},
     "stacks/db/stack.yaml:4: target 'lint': 'NOT A NAME' is not an environment variable"),
    ({"lint": True}, "stacks/db/stack.yaml:2: target 'lint': true is not a target"),
    ("lint", "stacks/db/stack.yaml:1: 'targets' must be a mapping"),
])
def test_a_bad_target_is_a_config_error_at_its_line(tmp_path, targets, message):
    write_tree(tmp_path, files(db={"targets": targets}))
    result = invoke(tmp_path, "run", "lint")
    assert result.exit_code == 2
    assert result.output.startswith(f"error: {message}"), result.output


def test_an_unknown_target_or_stack_is_a_usage_error(tmp_path):
    write_tree(tmp_path, files())
    assert invoke(tmp_path, "run", "tset").output.startswith("error: no stack has a target 'tset'")
    assert invoke(tmp_path, "run", "lint", "--stacks", "nope").exit_code == 2


def test_the_command_only_calls_the_library_and_renders_its_report(tmp_path, monkeypatch):
    from ws.cli import targets as command
    from ws.tasks.results import TargetsReport, TaskResult
    calls = []

    def run_targets(start, targets, selection, options, observer, env_name):
        calls.append((targets, selection, options, env_name))
        observer.on_finish(TaskResult("db", "lint", "ran", 0.5, "fine\n"))
        return TargetsReport(targets, [TaskResult("db", "lint", "ran", 0.5, "fine\n")], 0.6)
    monkeypatch.setattr(command.api, "run_targets", run_targets)
    result = invoke(tmp_path, "run", "lint", "test", "--since", "main", "--parallel", "3",
                    "--fail-fast", "--no-cache", "--env", "dev")
    assert result.exit_code == 0, result.output
    ((targets, selection, options, env_name),) = calls
    assert targets == ("lint", "test") and selection.since == "main" and env_name == "dev"
    assert (options.parallel, options.fail_fast, options.use_cache) == (3, True, False)
    assert result.output.splitlines() == [
        "db:lint | fine", "db:lint: ran in 0.50s",
        "1 task(s): 1 ran, 0 cached, 0 failed, 0 skipped in 0.60s"]


def test_ctrl_c_lets_the_running_target_finish_and_starts_no_other(tmp_path):
    import os
    import signal
    import subprocess
    import sys
    import time
    write_tree(tmp_path, files(lint={"command": "touch ../../started; sleep 1; echo finished "
                                                "$WS_STACK", "inputs": ["*.yaml"]}))
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    env.pop("GITHUB_ACTIONS", None)
    proc = subprocess.Popen([sys.executable, "-m", "ws", "--workspace", str(tmp_path), "run",
                             "lint", "--parallel", "1"], stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, env=env)
    deadline = time.time() + 20
    while not (tmp_path / "started").exists() and time.time() < deadline:
        time.sleep(0.02)  # until the first target runs
    proc.send_signal(signal.SIGINT)
    output, _ = proc.communicate(timeout=20)
    assert proc.returncode == 130, output
    assert "app:lint | finished app" in output  # (app sorts first: it started)
    assert "db:lint: skipped (interrupted)" in output


def test_ws_run_loads_no_aws_console_or_lint_library(tmp_path):
    from test_cli_speed import HEAVY, loaded
    write_tree(tmp_path, files())
    assert not (HEAVY - {"networkx"}) & loaded("--workspace", str(tmp_path), "run", "lint")
