"""ws's record of a deploy is a stack output (fingerprint, parts, commit, ws version), never a
tag: CloudFormation propagates stack tags to every taggable resource, so a changing tag would
touch every resource on each deploy. `ws plan` and `ws env list` show where a stack came from."""
from __future__ import annotations

import subprocess

from ws.cloud.environments import summarise
from ws.cloud.livestate import RECORD_OUTPUT, outputs_of, record_of
from ws.config.environment import load_environment
from ws.config.workspace import load_workspace
from ws.engine.flow import deploy_env, plan_env
from ws.engine.request import RunRequest
from ws.testing.fakecloud import FakeCloud
from ws.testing.workspaces import queue_template, workspace_files, write_tree


def committed(root):
    for args in (["init", "-q"], ["add", "-A"],
                 ["-c", "user.name=t", "-c", "user.email=t@x", "commit", "-qm", "base"]):
        subprocess.run(["git", "-C", str(root), *args], check=True)
    return subprocess.run(["git", "-C", str(root), "rev-parse", "--short=12", "HEAD"],
                          check=True, capture_output=True, text=True).stdout.strip()


def test_the_record_is_an_output_with_the_commit_and_shown_by_plan_and_env_list(tmp_path):
    root = write_tree(tmp_path, workspace_files(a=(queue_template({"Out": "v1"}), {})))
    sha = committed(root)
    ws = load_workspace(root)
    env = load_environment(ws, "local")
    cloud = FakeCloud()
    assert deploy_env(ws, env, cloud.backend(), RunRequest()).ok
    stack = cloud.stacks["demo-local-a"]
    assert not {t["Key"] for t in stack["Tags"]} & {"ws:fingerprint", "ws:parts"}
    record = record_of(stack)
    assert record["commit"] == sha and record["ws"] and len(record["fingerprint"]) == 64
    assert "template=" in record["parts"]
    assert RECORD_OUTPUT not in outputs_of(stack) and outputs_of(stack) == {"Out": "v1"}
    assert plan_env(ws, env, cloud.backend())["a"].deployed_commit == sha
    [listed] = summarise("demo", "local", list(cloud.stacks.values()))
    assert (listed.commit, listed.ws_version) == (sha, record["ws"])


def test_a_dirty_tree_is_recorded_as_such(tmp_path):
    root = write_tree(tmp_path, workspace_files(a=(queue_template({"Out": "v1"}), {})))
    sha = committed(root)
    (root / "stacks/a/template.yaml").write_text(queue_template({"Out": "v2"}))
    ws = load_workspace(root)
    cloud = FakeCloud()
    deploy_env(ws, load_environment(ws, "local"), cloud.backend(), RunRequest())
    assert record_of(cloud.stacks["demo-local-a"])["commit"] == sha + "+dirty"
