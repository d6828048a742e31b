"""Input that used to raise tracebacks (or crash) is a clear ConfigError naming the file."""
from __future__ import annotations

import pytest

from ws.config.environment import load_environment
from ws.config.templates import static_value
from ws.config.workspace import load_workspace
from ws.config.yamlfile import load
from ws.errors import ConfigError
from ws.testing.workspaces import queue_template, workspace_files, write_tree


def make(tmp_path, **changes):
    files = workspace_files(db=(queue_template({"Url": {"Ref": "Queue"}}), {}))
    files.update(changes)
    return write_tree(tmp_path / "ws", files)


@pytest.mark.parametrize("glob", ["/etc/*", "", "../*", "stacks/../../*"])
def test_a_stack_glob_outside_the_workspace_is_refused(tmp_path, glob):
    root = make(tmp_path, **{"workspace.yaml": {"name": "demo", "stacks": [glob]}})
    with pytest.raises(ConfigError, match=r"workspace.yaml:2: stack glob"):
        load_workspace(root)


def test_deeply_nested_yaml_is_refused_before_parsing(tmp_path):
    root = make(tmp_path, **{"workspace.yaml": "name: demo\nx: " + "[" * 5000 + "]" * 5000})
    with pytest.raises(ConfigError, match=r"workspace.yaml:2: nested more than 100"):
        load_workspace(root)


def test_a_deeply_indented_document_is_refused(tmp_path):
    text = "".join(" " * n + f"k{n}:\n" for n in range(0, 400, 2)) + " " * 400 + "v: 1\n"
    path = tmp_path / "deep.yaml"
    path.write_text(text)
    with pytest.raises(ConfigError, match="nested more than"):
        load(path, "deep.yaml")


def test_a_huge_nested_json_template_is_refused_without_crashing(tmp_path):
    root = make(tmp_path, **{"stacks/db/template.yaml": "[" * 40_000 + "]" * 40_000})
    with pytest.raises(ConfigError, match=r"stacks/db/template.yaml:1: nested"):
        load_workspace(root)


@pytest.mark.parametrize("where", ["workspace", "environment"])
def test_a_region_that_is_not_one_is_refused(tmp_path, where):
    changes = ({"workspace.yaml": {"name": "demo", "defaults": {"region": "not a region!"}}}
               if where == "workspace" else
               {"environments/local.yaml": {"target": "local", "region": "not a region!"}})
    root = make(tmp_path, **changes)
    with pytest.raises(ConfigError, match="'not a region!' is not an AWS region name"):
        load_environment(load_workspace(root), "local")


def test_import_value_of_a_one_element_sub_list_cannot_be_known(tmp_path):
    assert static_value({"Fn::Sub": ["${AWS::StackName}-x"]}, {}) is None
    assert static_value({"Fn::Sub": ["a-${X}", {"X": "b"}]}, {}) == "a-b"


def test_an_unknown_yaml_tag_in_a_template_is_refused_with_its_line(tmp_path):
    template = "Resources:\n  Queue:\n    Type: AWS::SQS::Queue\n    Properties: !Include q.yaml\n"
    root = make(tmp_path, **{"stacks/db/template.yaml": template})
    with pytest.raises(ConfigError, match=r"template.yaml:4: unknown YAML tag !Include"):
        load_workspace(root)


def test_short_forms_and_dates_in_yaml_templates(tmp_path):
    template = ("AWSTemplateFormatVersion: 2010-09-09\nResources:\n  Queue:\n"
                "    Type: AWS::SQS::Queue\n    Properties:\n      QueueName: !Sub '${AWS::StackName}-q'\n"
                "Outputs:\n  Url: {Value: !GetAtt Queue.Arn}\n  Name: {Value: !Ref Queue}\n")
    root = make(tmp_path, **{"stacks/db/template.yaml": template})
    body = load_workspace(root).stacks["db"].template.body
    assert body["AWSTemplateFormatVersion"] == "2010-09-09"
    assert body["Outputs"]["Url"]["Value"] == {"Fn::GetAtt": ["Queue", "Arn"]}
    assert body["Outputs"]["Name"]["Value"] == {"Ref": "Queue"}


def test_yaml_merge_keys_work_and_keep_lines(tmp_path):
    path = tmp_path / "env.yaml"
    path.write_text("base: &base\n  target: local\n  mocks: true\n"
                    "env:\n  <<: *base\n  mocks: false\n")
    data = load(path, "env.yaml")
    assert dict(data["env"]) == {"target": "local", "mocks": False}
    assert data["env"].line_of("mocks") == 6 and data["env"].line_of("target") == 2


def test_a_duplicate_key_beside_a_merge_is_still_refused(tmp_path):
    path = tmp_path / "env.yaml"
    path.write_text("base: &base {a: 1}\nenv:\n  <<: *base\n  b: 1\n  b: 2\n")
    with pytest.raises(ConfigError, match=r"env.yaml:5: duplicate key 'b'"):
        load(path, "env.yaml")


def test_merging_a_scalar_is_a_clear_error(tmp_path):
    path = tmp_path / "env.yaml"
    path.write_text("env:\n  <<: 3\n")
    with pytest.raises(ConfigError, match=r"env.yaml:2: '<<' merges mappings only"):
        load(path, "env.yaml")


def test_an_environment_file_that_is_a_folder(tmp_path):
    root = make(tmp_path)
    (root / "environments/qa.yaml").mkdir()
    ws = load_workspace(root)
    with pytest.raises(ConfigError, match=r"environments/qa.yaml: a folder"):
        load_environment(ws, "qa")
    assert load_environment(ws, "local").name == "local"  # the others still load


def test_json_template_errors_name_the_line(tmp_path):
    root = make(tmp_path, **{"stacks/db/template.yaml": '{\n "Resources": {\n  "Q": ,\n}}'})
    with pytest.raises(ConfigError, match=r"template.yaml:3: invalid JSON"):
        load_workspace(root)


def test_alias_bombs_are_refused(tmp_path):
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{n}: &a{n} [*a{n-1}, *a{n-1}, *a{n-1}, *a{n-1}, *a{n-1}, *a{n-1}, *a{n-1}, "
              f"*a{n-1}, *a{n-1}, *a{n-1}]" for n in range(1, 9)]
    template = "\n".join(lines) + "\nResources: {Q: {Type: AWS::SQS::Queue, Metadata: *a8}}\n"
    root = make(tmp_path, **{"stacks/db/template.yaml": template})
    with pytest.raises(ConfigError, match="once YAML aliases are followed"):
        load_workspace(root)


def test_env_list_reads_the_environment_files_beside_a_folder(tmp_path):
    from ws.config.envfiles import available, places
    root = make(tmp_path)
    (root / "environments/qa.yaml").mkdir()
    ws = load_workspace(root)
    assert available(ws) == ["local"]
    assert [p.env for p in places(ws)] == ["local"]
