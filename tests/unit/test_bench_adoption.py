"""bench_corpus's adoption of a project's own build step (Makefile `build:`) and parameters."""
from __future__ import annotations

import sys
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
from corpus_adopt import adopt  # noqa: E402
from corpus_makefile import project_build  # noqa: E402
from corpus_params import project_parameters  # noqa: E402

TOOLS_BUILD = "#!/bin/bash\ncp -p $service_dir/template.yaml $build_dir/template.yaml\n"
MAKEFILE = ("export ROOT ?= $(shell dirname ${CURDIR})\nbuild:\n\t@${ROOT}/tools/build x "
            "${SERVICE}\n.PHONY: build\n\nlint:\n\techo template.yaml\n")


def test_a_build_that_copies_the_template_deploys_build_template(tmp_path):
    (tmp_path / "tools").mkdir()
    (tmp_path / "tools/build").write_text(TOOLS_BUILD)
    (tmp_path / "svc").mkdir()
    (tmp_path / "svc/Makefile").write_text(MAKEFILE)
    found = project_build(tmp_path / "svc", tmp_path)
    assert found == {"before_deploy": ["build"], "template": "build/template.yaml",
                     "targets": {"build": {"command": "make build", "outputs": ["build/**"]}}}
    (tmp_path / "svc/Makefile").write_text(MAKEFILE + "clean:\n\trm -rf build\n")
    assert project_build(tmp_path / "svc", tmp_path)["targets"]["build"]["command"] == \
        "make clean build"  # from clean: incremental builds may leave stale files


def test_a_build_that_makes_no_template_keeps_the_source_one_and_no_build_no_keys(tmp_path):
    (tmp_path / "svc").mkdir()
    (tmp_path / "svc/Makefile").write_text(
        "build:\n\tnpm run build\n\nlint:\n\techo template.yaml\n")
    assert "template" not in project_build(tmp_path / "svc", tmp_path)
    (tmp_path / "svc/Makefile").write_text("test:\n\tpytest\n")
    assert project_build(tmp_path / "svc", tmp_path) == {}


def test_parameters_are_the_projects_own_for_those_the_template_declares(tmp_path):
    (tmp_path / "metadata.yaml").write_text(
        "parameters:\n  EventBusArn: /shop/{Environment}/bus/arn\n  Other: x\n")
    declared = {"EventBusArn": {"Type": "AWS::SSM::Parameter::Value<String>"},
                "Environment": {"Type": "String", "Default": "dev"}}
    assert project_parameters(tmp_path, declared) == {"EventBusArn": "/shop/dev/bus/arn"}


AUTH = """Resources:
  Pool: {Type: AWS::SQS::Queue}
Outputs:
  Pool:
    Value: !Ref Pool
    Export: {Name: !Sub "${AWS::StackName}-UserPool"}
"""
SVC = """Parameters:
  AuthStackName: {Type: String, Default: shop-auth}
Resources:
  Q:
    Type: AWS::SQS::Queue
    Properties:
      QueueName:
        Fn::ImportValue: !Sub "${AuthStackName}-UserPool"
"""


def test_a_project_template_deployed_by_hand_is_adopted_and_its_importers_wired(tmp_path):
    project = tmp_path / "shop"
    for rel, text in {"shared/auth.yaml": AUTH, "shared/README.md": "deploy as shop-auth",
                      "svc/template.yaml": SVC, "svc/pipeline.yaml": "Resources: {}\n"}.items():
        (project / rel).parent.mkdir(parents=True, exist_ok=True)
        (project / rel).write_text(text)
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    alone = adopt([project], scratch)[project]
    assert list(alone) == ["svc"] and not alone["svc"].wired
    scratch = tmp_path / "scratch2"
    scratch.mkdir()
    results = adopt([project], scratch, project=True)[project]
    assert sorted(results) == ["auth", "svc"] and results["svc"].wired == {"shop-auth": "auth"}
    assert yaml.safe_load((scratch / "shop/shared/stack.yaml").read_text()) == {
        "name": "auth", "template": "auth.yaml"}
    assert yaml.safe_load((scratch / "shop/svc/stack.yaml").read_text())["import_prefixes"] \
        == {"shop-auth": "auth"}


def test_prefixes_are_written_though_yaml_reads_mappings_as_ordered_dicts(tmp_path, monkeypatch):
    """sam-cli's yaml_parse makes yaml.safe_load give OrderedDicts for the whole process (other
    tests call it); the stack.yaml written must still be plain YAML."""
    import collections

    import yaml
    from corpus_imports import write_prefixes
    stack_yaml = tmp_path / "stack.yaml"
    stack_yaml.write_text("name: svc\ntemplate: template.yaml\n")
    monkeypatch.setattr(yaml, "safe_load", lambda text: collections.OrderedDict(
        [("name", "svc"), ("template", "template.yaml")]))
    write_prefixes(stack_yaml, {"shop-auth": "auth"})
    assert "import_prefixes:\n  shop-auth: auth" in stack_yaml.read_text()
