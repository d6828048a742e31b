"""Express mode: `deployment: express` in an environment file, or --express, sends
DeploymentConfig={"Mode": "EXPRESS"} with every create, update, change set and delete; a
protected environment needs it in its file; the local endpoint is not sent it."""
from __future__ import annotations

from dataclasses import replace

import pytest

from ws.api import load
from ws.cloud.backend import LOCAL
from ws.engine.flow import deploy_env, destroy_env, plan_env
from ws.engine.request import RunRequest
from ws.errors import ConfigError, UsageError
from ws.testing.fakecloud import FakeCloud
from ws.testing.workspaces import chain_files, write_tree


def workspace(tmp_path, **env):
    files = chain_files()
    files["environments/local.yaml"] = {"target": "local", **env}
    root = write_tree(tmp_path, files)
    return load(root, "local")


@pytest.mark.parametrize("change_sets", [False, True])
def test_every_operation_is_sent_in_express_mode(tmp_path, change_sets):
    ws, env = workspace(tmp_path, deployment="express")
    cloud = FakeCloud()
    backend = cloud.backend(change_sets=change_sets)
    assert deploy_env(ws, env, backend).ok
    (tmp_path / "stacks/c/template.yaml").write_text(
        (tmp_path / "stacks/c/template.yaml").read_text().replace('"Outputs": {}', '"Outputs": {"X": {"Value": "x"}}'))
    ws, env = load(tmp_path, "local")  # the edited template
    assert deploy_env(ws, env, backend, RunRequest(changed=True)).ok
    assert plan_env(ws, env, backend).express
    assert destroy_env(ws, env, backend).ok
    update = "CreateChangeSet" if change_sets else "UpdateStack"
    assert cloud.express == {"CreateStack": 3, update: 1, "DeleteStack": 3}


def test_express_from_the_flag_and_never_sent_where_the_target_cannot_take_it(tmp_path):
    ws, env = workspace(tmp_path)
    cloud = FakeCloud()
    assert deploy_env(ws, env, cloud.backend(), RunRequest(express=True)).ok
    assert cloud.express == {"CreateStack": 3}
    local = FakeCloud()
    backend = local.backend()
    backend = replace(backend, can=replace(backend.can, express=LOCAL.express))
    assert deploy_env(ws, env, backend, RunRequest(express=True)).ok
    assert not local.express and local.calls["CreateStack"] == 3


def test_a_protected_environment_takes_express_from_its_file_only(tmp_path):
    ws, env = workspace(tmp_path, protected=True)
    with pytest.raises(UsageError, match="deployment: express"):
        deploy_env(ws, env, FakeCloud().backend(), RunRequest(express=True))
    with pytest.raises(ConfigError, match="'deployment' must be standard or express"):
        workspace(tmp_path, deployment="fast")


def test_express_operations_have_a_history_of_their_own(tmp_path):
    """The watcher looks where an operation is expected to end: an express run does not
    expect what the standard mode's operations took (minutes where express takes seconds),
    nor does a standard run expect what express took; each keeps its own history."""
    from ws.engine.durations import load_durations, save_measured
    from ws.engine.request import Clock
    from ws.engine.stackrun import UPDATES, Target, operations
    from ws.graph.stackgraph import build_graph

    ws, env = workspace(tmp_path)
    save_measured(ws.state_dir, env.name, {"a": 30.0}, UPDATES)
    backend = FakeCloud(asynchronous=True).backend()
    name = env.stack_name("a")
    for express, expected in ((True, None), (False, 30.0)):
        target = Target(ws, env, build_graph(ws, env), backend, None, express=express)
        with operations(target, Clock(), UPDATES) as (ops, _):
            assert ops.watcher.expected(name) == expected
            assert ops.watcher.eager == (30.0 if express else 6.0)  # no history: looks
            ops.watcher.took[name] = 7.0 if express else 31.0
    assert load_durations(ws.state_dir, env.name, UPDATES) == {"a": 31.0}
    assert load_durations(ws.state_dir, env.name, UPDATES + "-express") == {"a": 7.0}
