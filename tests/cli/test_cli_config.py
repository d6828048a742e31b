"""The CLI on good and bad workspaces (no endpoint needed): exit codes and messages."""
from __future__ import annotations

import json

from click.testing import CliRunner
from ws.cli import readonly
from ws.cli.commands import cli
from ws.graph.views import FORMATS
from ws.testing.workspaces import queue_template, workspace_files, write_tree

FILES = workspace_files(
    db=(queue_template({"Name": "n"}), {}),
    app=(queue_template(parameters=["Db"]), {"parameters": {"Db": "${db.Name}"}}))


def invoke(tmp_path, *args):
    return CliRunner().invoke(cli, ["--workspace", str(tmp_path), *args])


def test_graph_formats(tmp_path):
    write_tree(tmp_path, FILES)
    result = invoke(tmp_path, "graph", "--format", "json")
    assert result.exit_code == 0
    assert json.loads(result.output)["edges"] == [
        {"from": "db", "to": "app", "reasons": ["parameter Db uses ${db.Name}"]}]
    assert invoke(tmp_path, "graph").output.strip() == "db\napp  <- db"
    assert readonly.GRAPH_FORMATS == FORMATS  # the CLI's choices, without importing networkx


def test_bad_input_is_one_line_with_exit_code_2_and_no_traceback(tmp_path):
    files = dict(FILES)
    files["stacks/app/stack.yaml"] = "parameters:\n  Db: ${db.Nope}\n"
    write_tree(tmp_path, files)
    for command in (["graph"], ["validate"], ["deploy", "--env", "local"],
                    ["destroy", "--env", "local"], ["outputs", "--env", "local"]):
        result = invoke(tmp_path, *command)
        assert result.exit_code == 2, command
        assert result.output.startswith(
            "error: stacks/app/stack.yaml:2: ${db.Nope}: stack 'db' declares no output 'Nope'")
        assert "Traceback" not in result.output
        assert not (tmp_path / ".ws").exists()  # nothing started, nothing deployed


def test_unknown_environment(tmp_path):
    write_tree(tmp_path, FILES)
    result = invoke(tmp_path, "deploy", "--env", "prod")
    assert result.exit_code == 2
    assert "unknown environment 'prod'" in result.output and "known environments: local" in result.output


def test_no_workspace(tmp_path):
    result = invoke(tmp_path, "graph")
    assert result.exit_code == 2 and "no workspace.yaml" in result.output


def test_validate_runs_cfn_lint(tmp_path):
    files = dict(FILES)
    files["stacks/db/template.yaml"] = queue_template(
        {"Name": "n"}, resources={"Queue": {"Type": "AWS::SQS::Queue",
                                            "Properties": {"Bogus": 1}}})
    write_tree(tmp_path, files)
    result = invoke(tmp_path, "validate")
    assert result.exit_code == 2
    assert "stacks/db/template.yaml:" in result.output and "E3002" in result.output
    write_tree(tmp_path, FILES)
    ok = invoke(tmp_path, "validate")
    assert ok.exit_code == 0 and "ok: 2 stacks, 1 dependencies, 1 warning(s)" in ok.output
    assert "W2001 Parameter Db not used" in ok.output  # warnings are shown, not fatal
