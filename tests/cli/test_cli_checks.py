"""Checks before anything runs, on the local endpoint: an empty selection only when asked for,
--no-template-check lets what only cfn-lint catches through (the endpoint is lenient)."""
from __future__ import annotations

import json

from click.testing import CliRunner

from ws.cli.commands import cli
from ws.local import endpoint
from ws.testing.workspaces import queue_template, workspace_files, write_tree

NO_VALUE = json.loads(queue_template({"Url": {"Ref": "Queue"}}))
NO_VALUE["Outputs"]["Broken"] = {"Description": "no Value: CloudFormation refuses this"}


def invoke(root, *args):
    return CliRunner().invoke(cli, ["-w", str(root), *args])


def test_an_empty_selection_only_when_asked_for(tmp_path, aws):
    root = write_tree(tmp_path / "w", workspace_files(db=(queue_template(), {})))
    refused = invoke(root, "deploy", "--env", "local", "--stacks", " , ")
    assert refused.exit_code == 2 and "names no stack" in refused.output
    asked = invoke(root, "deploy", "--env", "local", "--stacks", " , ", "--allow-empty")
    assert asked.exit_code == 0, asked.output
    assert aws("cloudformation").describe_stacks()["Stacks"] == []


def test_what_cloudformation_refuses_is_refused_unless_the_check_is_skipped(tmp_path, aws):
    root = write_tree(tmp_path / "w", workspace_files(db=(json.dumps(NO_VALUE, indent=1), {})))
    refused = invoke(root, "deploy", "--env", "local")
    assert refused.exit_code == 2 and "stacks/db/template.yaml:" in refused.output
    assert "E6002" in refused.output
    assert aws("cloudformation").describe_stacks()["Stacks"] == []
    skipped = invoke(root, "deploy", "--env", "local", "--no-template-check")
    assert skipped.exit_code == 0, skipped.output  # the lenient endpoint takes it


def test_a_refused_deploy_does_not_even_start_the_local_endpoint(tmp_path, monkeypatch):
    from ws.cloud.backend import LOCAL_ENDPOINT_VAR
    monkeypatch.delenv(LOCAL_ENDPOINT_VAR, raising=False)
    root = write_tree(tmp_path / "w", workspace_files(db=(json.dumps(NO_VALUE, indent=1), {})))
    try:
        refused = invoke(root, "deploy", "--env", "local")
        assert refused.exit_code == 2 and "E6002" in refused.output
        assert not (root / ".ws" / "local").exists()  # no endpoint was started for it
    finally:
        endpoint.stop(root / ".ws")  # had one started, it must not outlive the test
