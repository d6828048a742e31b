"""Fingerprints: every input flips them; comments, key order, mtimes and location do not."""
from __future__ import annotations

import os
import shutil

import pytest
from ws.config.environment import load_environment
from ws.config.workspace import load_workspace
from ws.engine.fingerprint import fingerprint, static_parts
from ws.testing.workspaces import SAM_FUNCTION, workspace_files, write_tree


@pytest.fixture
def root(tmp_path):
    files = workspace_files(app=(SAM_FUNCTION, {"parameters": {"Upstream": "https://x"}}))
    files["stacks/app/src/fn/handler.py"] = "def handler(e, c):\n    return 1\n"
    files["shared/lib.txt"] = "v1"
    files["workspace.yaml"] = {"name": "demo", "shared": ["shared"]}
    return write_tree(tmp_path / "ws", files)


def value(root, params=None, tags=None, env="local"):
    ws = load_workspace(root)
    environment = load_environment(ws, env)
    return fingerprint(static_parts(ws, environment, "app"), params or {"Upstream": "https://x"},
                       tags or {"ws:stack": "app"}).value


def test_stable_across_non_semantic_changes(root, tmp_path):
    before = value(root)
    template = root / "stacks/app/template.yaml"
    template.write_text("# a comment\n" + template.read_text().replace(
        "      Handler: handler.handler\n      Runtime: python3.11\n",
        "      Runtime: python3.11   # same\n      Handler: handler.handler\n"))
    os.utime(root / "stacks/app/src/fn/handler.py", (1, 1))
    (root / "stacks/app/src/fn/__pycache__").mkdir()
    (root / "stacks/app/src/fn/__pycache__/handler.cpython-311.pyc").write_bytes(b"x")
    assert value(root) == before
    moved = shutil.copytree(root, tmp_path / "elsewhere")  # absolute paths do not count
    assert value(moved) == before


@pytest.mark.parametrize("change", ["template", "code", "shared", "parameter", "tags", "env"])
def test_each_input_changes_it(root, change):
    before = value(root)
    kwargs = {}
    if change == "template":
        path = root / "stacks/app/template.yaml"
        path.write_text(path.read_text().replace("python3.11", "python3.12"))
    elif change == "code":
        (root / "stacks/app/src/fn/handler.py").write_text("def handler(e, c):\n    return 2\n")
    elif change == "shared":
        (root / "shared/lib.txt").write_text("v2")
    elif change == "parameter":
        kwargs["params"] = {"Upstream": "https://y"}
    elif change == "tags":
        kwargs["tags"] = {"ws:stack": "app", "team": "shop"}
    else:
        (root / "environments/local.yaml").write_text("target: local\nregion: eu-west-1\n")
    assert value(root, **kwargs) != before


def test_what_a_build_reads_outside_the_code_folder_changes_it(root, tmp_path):
    write_tree(root, {"stacks/app/src/fn/requirements.txt": "-r ../../common.txt\n../../lib/\n",
                      "stacks/app/common.txt": "six\n", "stacks/app/lib/pyproject.toml": "",
                      "stacks/app/lib/m.py": "A = 1\n"})
    before = value(root)
    assert value(shutil.copytree(root, tmp_path / "elsewhere")) == before
    (root / "stacks/app/lib/m.py").write_text("A = 2\n")
    assert value(root) != before
    changed = value(root)
    (root / "stacks/app/common.txt").write_text("six==1.17.0\n")
    assert value(root) != changed
