"""bench_corpus's adoption of a project's own build step (Makefile `build:`) and parameters."""
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
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
