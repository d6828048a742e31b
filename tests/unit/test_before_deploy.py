"""`before_deploy:` in stack.yaml: targets run (cached) before the template is read."""
from __future__ import annotations

import sys

import pytest
from ws import api
from ws.config.workspace import load_workspace
from ws.errors import ConfigError
from ws.tasks.predeploy import builder
from ws.testing.workspaces import queue_template, workspace_files, write_tree

PY = sys.executable
# A build that writes its stack's template into build/ and counts its runs in ../../runs.
MAKE = (f"{PY} -c \"import os,pathlib; os.makedirs('build', exist_ok=True); "
        "pathlib.Path('build/template.yaml').write_text(pathlib.Path('template.in').read_text())"
        "\" && echo $WS_STACK >> ../../runs")


def built(config: dict | None = None, command: str = MAKE) -> tuple[str, dict]:
    spec = {"template": "build/template.yaml", "before_deploy": ["build"],
            "targets": {"build": {"command": command, "outputs": ["build/**"]}}}
    return queue_template({"Out": "x"}), {**spec, **(config or {})}


def workspace(tmp_path, **stacks):
    files = workspace_files(**stacks)
    for name, (template, config) in stacks.items():
        if config.get("template") == "build/template.yaml":
            files[f"stacks/{name}/template.in"] = files.pop(f"stacks/{name}/template.yaml")
    return write_tree(tmp_path, files)


def runs(tmp_path) -> list[str]:
    path = tmp_path / "runs"
    return path.read_text().split() if path.exists() else []


def test_before_deploy_names_a_target_of_the_stack(tmp_path):
    template, config = built()
    config["before_deploy"] = ["bild"]
    workspace(tmp_path, app=(template, config))
    with pytest.raises(ConfigError) as info:
        load_workspace(tmp_path)
    assert str(info.value).startswith("stacks/app/stack.yaml:2: before_deploy names 'bild'")
    assert "its targets: build" in info.value.hint


def test_the_template_is_the_builds_output_and_an_unchanged_build_is_not_run_again(tmp_path):
    workspace(tmp_path, app=built(), db=(queue_template({"Url": "u"}), {}))
    ws = load_workspace(tmp_path, builder=builder(tmp_path))
    assert list(ws.stacks["app"].template.outputs) == ["Out"] and runs(tmp_path) == ["app"]
    assert ws.stacks["app"].template.display == "stacks/app/build/template.yaml"
    (tmp_path / "stacks/app/build/template.yaml").unlink()
    again = load_workspace(tmp_path, builder=builder(tmp_path))
    assert runs(tmp_path) == ["app"]  # cached: not run, its output restored
    assert list(again.stacks["app"].template.outputs) == ["Out"]


def test_a_failed_build_makes_a_stand_in_and_its_dependents_still_load(tmp_path):
    failing = built(command="echo compiling; echo 'error TS2304: nope' >&2; exit 2")
    workspace(tmp_path, app=failing,
              web=(queue_template(parameters=["In"]), {"parameters": {"In": "${app.Out}"}}))
    said = []
    ws = load_workspace(tmp_path, builder=builder(tmp_path, lambda s, m: said.append((s, m))))
    failure = ws.stacks["app"].build_failure
    assert failure.startswith("before_deploy target build failed: exit code 2")
    assert "error TS2304: nope" in failure and not ws.stacks["web"].build_failure
    assert said and said[0][0] == "app" and "failed" in said[0][1]


def test_without_a_builder_a_missing_built_template_is_said_not_built(tmp_path):
    workspace(tmp_path, app=built())
    ws = load_workspace(tmp_path)
    assert "stacks/app/build/template.yaml is made by its before_deploy target(s) build" in \
        ws.stacks["app"].build_failure
    assert runs(tmp_path) == []


def test_ws_graph_builds_first_its_edges_come_from_the_built_templates(tmp_path):
    app, config = built()
    export = app.replace('"Value": "x"', '"Value": "x", "Export": {"Name": "app-out"}')
    workspace(tmp_path, app=(export, config),
              web=(queue_template({"In": {"Fn::ImportValue": "app-out"}}), {}))
    text = api.graph_text(tmp_path, "local", "text")
    assert runs(tmp_path) == ["app"] and "web  <- app" in text


def test_a_built_templates_code_is_read_from_its_folder_requirements_also_from_the_stacks(
        tmp_path):
    from ws.package.nested import stack_inventory
    command = "mkdir -p build/src/fn && cp template.in build/template.yaml"
    template = queue_template(resources={"Fn": {
        "Type": "AWS::Lambda::Function", "Properties": {
            "Code": "src/fn", "Handler": "h.h", "Runtime": "python3.11", "Role": "r"}}})
    workspace(tmp_path, app=(template, built(command=command)[1]))
    ws = load_workspace(tmp_path, builder=builder(tmp_path))
    (code,) = stack_inventory(ws.stacks["app"], ws.root).code
    assert code.path == tmp_path / "stacks/app/build/src/fn"
    assert code.stack_dir == tmp_path / "stacks/app"  # pip's folder in a project's own build


def test_a_build_that_makes_no_template_fails_its_stack_only(tmp_path):
    workspace(tmp_path, app=built(command="echo nothing made"), db=(queue_template(), {}))
    ws = load_workspace(tmp_path, builder=builder(tmp_path))
    assert ws.stacks["app"].build_failure.startswith(
        "its before_deploy target(s) build succeeded but did not make "
        "stacks/app/build/template.yaml")
    assert not ws.stacks["db"].build_failure
