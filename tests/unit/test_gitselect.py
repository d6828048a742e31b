"""--since REF on a real temporary git repository, including a shallow clone."""
from __future__ import annotations

import subprocess

import pytest
from ws.config.environment import load_environment
from ws.config.workspace import load_workspace
from ws.errors import UsageError
from ws.graph import selection
from ws.graph.git import affected, changed_files
from ws.graph.selection import Selection
from ws.graph.stackgraph import build_graph
from ws.testing.workspaces import queue_template, workspace_files, write_tree


def git(root, *args):
    subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True,
                   env={"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@e", "PATH": "/usr/bin:/bin",
                        "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@e", "HOME": str(root)})


@pytest.fixture
def repo(tmp_path):
    root = tmp_path / "repo"
    files = workspace_files(
        a=(queue_template({"O": "1"}), {}),
        b=(queue_template(parameters=["P"]), {"parameters": {"P": "${a.O}"}}),
        c=(queue_template(), {}))
    files["workspace.yaml"] = {"name": "demo", "shared": ["lib"]}
    files["lib/common.txt"] = "v1"
    write_tree(root, files)
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "one")
    return root


def selected(root, ref="main"):
    ws = load_workspace(root)
    env = load_environment(ws, "local")
    return affected(ws, build_graph(ws, env), "local", changed_files(root, ref))


def test_nothing_changed(repo):
    assert selected(repo) == []


def test_committed_staged_unstaged_and_untracked_changes_count(repo):
    git(repo, "branch", "base")
    (repo / "stacks/c/template.yaml").write_text(queue_template({"New": "x"}))
    git(repo, "commit", "-qam", "two")
    assert selected(repo, "base") == ["c"]
    (repo / "stacks/a/notes.md").write_text("untracked")
    assert selected(repo, "base") == ["a", "b", "c"]  # b is downstream of a


def test_unstaged_change_and_downstream(repo):
    (repo / "stacks/a/template.yaml").write_text(queue_template({"O": "2"}))
    assert selected(repo) == ["a", "b"]


def test_shared_and_workspace_files_affect_everything(repo):
    (repo / "lib/common.txt").write_text("v2")
    assert selected(repo) == ["a", "b", "c"]


def test_unknown_ref_and_shallow_clone_are_clear_errors(repo, tmp_path):
    with pytest.raises(UsageError, match="no such commit"):
        selected(repo, "nope")
    (repo / "stacks/c/x.txt").write_text("1")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "two")
    shallow = tmp_path / "shallow"
    subprocess.run(["git", "clone", "-q", "--depth", "1", f"file://{repo}", str(shallow)],
                   check=True, capture_output=True)
    with pytest.raises(UsageError) as info:
        selected(shallow, "HEAD~1")
    assert "shallow clone" in info.value.hint


def test_a_file_renamed_out_of_a_stack_selects_that_stack_too(repo):
    (repo / "stacks/c/notes.md").write_text("a note long enough for git to see a rename\n" * 5)
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "note")
    git(repo, "branch", "base")
    git(repo, "mv", "stacks/c/notes.md", "stacks/a/notes.md")
    git(repo, "commit", "-qm", "move")
    assert selected(repo, "base") == ["a", "b", "c"]


def test_a_pinned_selection_asks_git_once_and_resolves_the_same(repo, monkeypatch):
    (repo / "stacks/a/template.yaml").write_text(queue_template({"O": "2"}))
    ws = load_workspace(repo)
    env = load_environment(ws, "local")
    graph = build_graph(ws, env)
    asked = []
    monkeypatch.setattr(selection, "changed_files",
                        lambda root, ref: asked.append(ref) or changed_files(root, ref))
    pinned = Selection(since="main", with_dependencies=True).pinned(ws, env, graph)
    assert (pinned.stacks, pinned.since, pinned.with_dependencies) == (("a", "b"), None, True)
    assert pinned.resolve(ws, env, graph, set) == pinned.resolve(ws, env, graph, set) \
        == Selection(since="main").resolve(ws, env, graph, set) == ("a", "b")
    assert asked == ["main", "main"]  # once for the pinned selection, once for the unpinned
    with pytest.raises(UsageError, match="not both"):
        Selection(("a",), since="main").pinned(ws, env, graph)
