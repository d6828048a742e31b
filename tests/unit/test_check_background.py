"""The template check on AWS runs in a forked process while ws connects and reads; what it
finds is raised before anything is changed, exactly as when it runs first."""
from __future__ import annotations

import json

import pytest
from ws.config.environment import load_environment
from ws.config.workspace import load_workspace
from ws.errors import ConfigError
from ws.lint import gate
from ws.testing.workspaces import queue_template, workspace_files, write_tree

NO_VALUE = json.loads(queue_template({"Url": {"Ref": "Queue"}}))
NO_VALUE["Outputs"]["Broken"] = {"Description": "no Value: CloudFormation refuses this"}


def loaded(root):
    ws = load_workspace(root)
    return ws, load_environment(ws, "local")


def test_a_refused_template_is_raised_by_the_wait(tmp_path):
    ws, env = loaded(write_tree(tmp_path, workspace_files(
        db=(json.dumps(NO_VALUE, indent=1), {}), ok=(queue_template({"A": "a"}), {}))))
    wait = gate.start_check(ws, env, ["db", "ok"])  # returns at once: cfn-lint in a child
    with pytest.raises(ConfigError, match="E6002"):
        wait()


def test_templates_known_to_pass_fork_nothing(tmp_path, monkeypatch):
    ws, env = loaded(write_tree(tmp_path, workspace_files(ok=(queue_template({"A": "a"}), {}))))
    gate.start_check(ws, env, ["ok"])()  # checked, and the pass recorded
    monkeypatch.setattr(gate.multiprocessing, "Pipe", None)  # a fork now would fail
    gate.start_check(ws, env, ["ok"])()
