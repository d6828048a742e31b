"""Loading and validating workspace.yaml and stack.yaml: every mistake names file and line."""
from __future__ import annotations

import pytest
from ws.config.environment import load_environment
from ws.config.workspace import load_workspace
from ws.errors import ConfigError
from ws.testing.workspaces import queue_template, workspace_files, write_tree


def load(tmp_path, files):
    write_tree(tmp_path, files)
    return load_workspace(tmp_path)


def error_of(tmp_path, files) -> ConfigError:
    with pytest.raises(ConfigError) as info:
        ws = load(tmp_path, files)
        load_environment(ws, "local")
    return info.value


def test_loads_stacks_parameters_and_outputs(tmp_path):
    files = workspace_files(
        db=(queue_template({"TableName": {"Ref": "Queue"}}), {"description": "db"}),
        app=(queue_template(parameters=["Table"]), {"parameters": {"Table": "${db.TableName}"}}))
    ws = load(tmp_path, files)
    assert sorted(ws.stacks) == ["app", "db"]
    assert ws.stacks["app"].parameters == {"Table": "${db.TableName}"}
    assert list(ws.stacks["db"].template.outputs) == ["TableName"]
    assert ws.region == "us-east-1" and ws.concurrency == 4


def test_unknown_key_in_stack_yaml_names_file_and_line(tmp_path):
    files = workspace_files(db=(queue_template(), {}))
    files["stacks/db/stack.yaml"] = "description: x\ndepends_onn: []\n"
    err = error_of(tmp_path, files)
    assert str(err).startswith("stacks/db/stack.yaml:2: unknown key 'depends_onn'")
    assert "depends_on" in err.hint


def test_unknown_key_in_workspace_yaml(tmp_path):
    files = workspace_files(db=(queue_template(), {}))
    files["workspace.yaml"] = "name: demo\nstackz: [stacks/*]\n"
    assert str(error_of(tmp_path, files)).startswith("workspace.yaml:2: unknown key 'stackz'")


def test_wrong_type_is_named(tmp_path):
    files = workspace_files(db=(queue_template(), {"mock": "yes"}))
    assert "'mock' must be true or false, got a string" in str(error_of(tmp_path, files))


def test_missing_template(tmp_path):
    files = workspace_files(db=(queue_template(), {}))
    del files["stacks/db/template.yaml"]
    err = error_of(tmp_path, files)
    assert "stacks/db/stack.yaml" in str(err) and "template stacks/db/template.yaml does not exist" in str(err)


def test_unknown_dependency(tmp_path):
    files = workspace_files(db=(queue_template(), {"description": "x", "depends_on": ["nope"]}))
    err = error_of(tmp_path, files)
    assert str(err).startswith("stacks/db/stack.yaml:2: depends_on names unknown stack 'nope'")


def test_reference_to_undeclared_output(tmp_path):
    files = workspace_files(
        db=(queue_template({"TableName": "x"}), {}),
        app=(queue_template(parameters=["Table"]), {"parameters": {"Table": "${db.Nope}"}}))
    err = error_of(tmp_path, files)
    assert str(err).startswith("stacks/app/stack.yaml:2: ${db.Nope}: stack 'db' declares no output 'Nope'")
    assert "TableName" in err.hint


def test_reference_to_unknown_stack(tmp_path):
    files = workspace_files(app=(queue_template(parameters=["T"]), {"parameters": {"T": "${x.Y}"}}))
    assert "references unknown stack 'x'" in str(error_of(tmp_path, files))


def test_malformed_reference(tmp_path):
    files = workspace_files(app=(queue_template(parameters=["T"]), {"parameters": {"T": "${oops}"}}))
    assert "malformed reference '${oops}'" in str(error_of(tmp_path, files))


def test_parameter_not_in_template(tmp_path):
    files = workspace_files(app=(queue_template(), {"parameters": {"Nope": "1"}}))
    assert "parameter 'Nope' is not declared in stacks/app/template.yaml" in str(error_of(tmp_path, files))


def test_required_parameter_without_value(tmp_path):
    files = workspace_files(app=(queue_template(parameters=["Needed"]), {}))
    assert "Needed have no Default and no value" in str(error_of(tmp_path, files))


def test_duplicate_stack_name_across_globs(tmp_path):
    files = workspace_files(db=(queue_template(), {}))
    files["workspace.yaml"] = {"name": "demo", "stacks": ["stacks/*", "legacy/*"]}
    files["legacy/db/stack.yaml"] = {}
    files["legacy/db/template.yaml"] = queue_template()
    err = error_of(tmp_path, files)
    assert "duplicate stack name 'db'" in str(err) and "stacks/db/stack.yaml" in str(err)


def test_yaml_syntax_error_has_line(tmp_path):
    files = workspace_files(db=(queue_template(), {}))
    files["stacks/db/stack.yaml"] = "description: x\nparameters: [a\n"
    assert str(error_of(tmp_path, files)).startswith("stacks/db/stack.yaml:")
    assert "invalid YAML" in str(error_of(tmp_path, files))


def test_duplicate_yaml_key(tmp_path):
    files = workspace_files(db=(queue_template(), {}))
    files["stacks/db/stack.yaml"] = "mock: true\nmock: false\n"
    assert str(error_of(tmp_path, files)) == "stacks/db/stack.yaml:2: duplicate key 'mock'"


def test_invalid_template_names_line(tmp_path):
    files = workspace_files(db=("Resources:\n  Q: [\n", {}))
    err = error_of(tmp_path, files)
    assert str(err).startswith("stacks/db/template.yaml:") and "invalid template" in str(err)


def test_binary_file(tmp_path):
    files = workspace_files(db=(queue_template(), {}))
    files["stacks/db/stack.yaml"] = b"\xff\xfe\x00\x01"
    assert "not a UTF-8 text file" in str(error_of(tmp_path, files))


def test_folder_without_stack_yaml(tmp_path):
    files = workspace_files(db=(queue_template(), {}))
    files["stacks/stray/notes.txt"] = "hello"
    assert "stack folder stacks/stray has no stack.yaml" in str(error_of(tmp_path, files))


def test_reserved_and_invalid_stack_names(tmp_path):
    files = workspace_files(ws=(queue_template(), {}))
    assert "stack name 'ws' is not valid" in str(error_of(tmp_path, files))


def test_template_path_escaping_the_stack(tmp_path):
    files = workspace_files(db=(queue_template(), {"template": "../../etc/passwd"}))
    assert "outside the stack folder" in str(error_of(tmp_path, files))


def test_unknown_environment_lists_known(tmp_path):
    ws = load(tmp_path, workspace_files(db=(queue_template(), {})))
    with pytest.raises(ConfigError) as info:
        load_environment(ws, "prod")
    assert "unknown environment 'prod'" in str(info.value) and "local" in info.value.hint


def test_environment_unknown_key_and_bad_target(tmp_path):
    files = workspace_files(db=(queue_template(), {}), env={"target": "mars"})
    assert str(error_of(tmp_path, files)).startswith("environments/local.yaml:1: target must be one of")
    files = workspace_files(db=(queue_template(), {}), env={"target": "local", "regoin": "x"})
    assert "unknown key 'regoin'" in str(error_of(tmp_path, files))


def test_environment_override_checked_against_template(tmp_path):
    env = {"target": "local", "parameters": {"db": {"Nope": "1"}}}
    files = workspace_files(db=(queue_template(), {}), env=env)
    err = error_of(tmp_path, files)
    assert str(err).startswith("environments/local.yaml:4: parameter 'Nope' is not declared")


def test_environment_naming_must_make_valid_stack_names(tmp_path):
    env = {"target": "local", "naming": "{workspace}_{env}!-{stack}"}
    files = workspace_files(db=(queue_template(), {}), env=env)
    err = str(error_of(tmp_path, files))
    assert err.startswith("environments/local.yaml:2: stack name 'demo_local!-db'")
    assert "is not valid in CloudFormation" in err


def test_parameter_values_are_deployed_as_written(tmp_path):
    """YAML 1.1 reads 1.10 as 1.1, 0755 as 493, NO as false, 1:30 as 90, 0x1F as 31: the
    value CloudFormation gets is the text in the file (true/false in lower case)."""
    names = ["Version", "Mode", "Country", "Window", "Id", "Port", "Enabled", "Debug", "Ratio"]
    files = workspace_files(app=(queue_template(parameters=names), {}))
    files["stacks/app/stack.yaml"] = (
        "parameters:\n  Version: 1.10\n  Mode: 0755\n  Country: NO\n  Window: 1:30\n"
        "  Id: 0x1F\n  Port: 8080\n  Enabled: True\n  Debug: false\n  Ratio: 0.5\n")
    ws = load(tmp_path, files)
    assert ws.stacks["app"].parameters == {
        "Version": "1.10", "Mode": "0755", "Country": "NO", "Window": "1:30", "Id": "0x1F",
        "Port": "8080", "Enabled": "true", "Debug": "false", "Ratio": "0.5"}


def test_stack_yaml_name_overrides_the_folder_name(tmp_path):
    """Adopted projects have folders named 'sam-app' or 'HelloWorld', often more than once."""
    files = workspace_files(db=(queue_template(), {"name": "orders-db"}))
    files["stacks/HelloWorld/stack.yaml"] = "name: hello\n"
    files["stacks/HelloWorld/template.yaml"] = files["stacks/db/template.yaml"]
    ws = load(tmp_path, files)
    assert sorted(ws.stacks) == ["hello", "orders-db"]
    assert ws.stacks["hello"].rel_dir == "stacks/HelloWorld"


def test_invalid_folder_name_says_how_to_choose_one(tmp_path):
    files = workspace_files(db=(queue_template(), {}))
    files["stacks/Sam_App/stack.yaml"] = "description: x\n"
    files["stacks/Sam_App/template.yaml"] = files["stacks/db/template.yaml"]
    err = error_of(tmp_path, files)
    assert "stack name 'Sam_App' is not valid (the folder's name; set 'name:'" in str(err)
    files["stacks/Sam_App/stack.yaml"] = "description: x\nname: Bad_Name\n"
    assert str(error_of(tmp_path, files)).startswith("stacks/Sam_App/stack.yaml:2: stack name 'Bad_Name'")
