"""A failed build is remembered by its inputs and toolchain: the next build of the same folder
does not run the build tool again; it fails the same way (said so, with how to retry), or on the
local endpoint stands in the same placeholder. New code, a new tool or a retry runs it again."""
from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from ws.package.build import Builder
from ws.package.builds.run import BuildError
from ws.package.code import CodeFolder
from ws.testing.workspaces import write_tree


class FailingTool:
    """A build tool that fails, counting its runs."""

    def __init__(self, output: str) -> None:
        self.output, self.runs = output, 0

    def __call__(self, cmd, **kwargs):
        self.runs += 1
        return subprocess.CompletedProcess(cmd, 1, "", self.output)


MAVEN_DOWN = "Build Failed\nError: JavaMavenWorkflow:MavenBuild - Could not resolve dependencies\n"
NO_WHEEL = "ERROR: No matching distribution found for nope==1\n"


def java(tmp_path: Path) -> CodeFolder:
    if not (tmp_path / "fn").exists():
        write_tree(tmp_path, {"fn/pom.xml": "<project/>", "fn/src/App.java": "class App {}"})
    return CodeFolder("Fn", "CodeUri", tmp_path / "fn", "java21")


def python_fn(tmp_path: Path) -> CodeFolder:
    write_tree(tmp_path, {"fn/requirements.txt": "nope==1\n", "fn/app.py": ""})
    return CodeFolder("Fn", "CodeUri", tmp_path / "fn", "python3.12")


def mvn_at(path: Path):
    """`which` that finds mvn (and the rest) at `path`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        path.write_text("#!/bin/sh\n")
    return lambda name: str(path) if name == "mvn" else f"/usr/bin/{name}"


def build(tmp_path: Path, folder: CodeFolder, tool: FailingTool, **options) -> BuildError:
    builder = Builder(tmp_path / "cache", runner=tool, **options)
    failed = builder.build_all({"s": [folder]})
    return failed["s"]


def test_a_failed_build_is_not_run_again_with_the_same_inputs(tmp_path):
    tool, which = FailingTool(MAVEN_DOWN), mvn_at(tmp_path / "bin/mvn")
    first = build(tmp_path, java(tmp_path), tool, which=which)
    again = build(tmp_path, java(tmp_path), tool, which=which)
    assert tool.runs == 1
    assert "Could not resolve dependencies" in first.message
    assert again.message.startswith(first.message + "; the same build failed before and was "
                                                    "not run again")
    assert "ws deploy --retry-builds" in again.message
    assert again.hint == first.hint


def test_a_failed_pip_install_is_not_run_again(tmp_path):
    tool = FailingTool(NO_WHEEL)
    build(tmp_path, python_fn(tmp_path), tool)
    again = build(tmp_path, python_fn(tmp_path), tool)
    assert tool.runs == 1
    assert again.message.startswith("Fn: no wheel of nope==1 for python3.12 on x86_64")
    assert "not run again" in again.message


def test_new_code_a_new_tool_or_a_retry_runs_the_build_again(tmp_path):
    tool, which = FailingTool(MAVEN_DOWN), mvn_at(tmp_path / "bin/mvn")
    build(tmp_path, java(tmp_path), tool, which=which)
    (tmp_path / "fn/src/App.java").write_text("class App { }")
    build(tmp_path, java(tmp_path), tool, which=which)
    assert tool.runs == 2
    build(tmp_path, java(tmp_path), tool, which=mvn_at(tmp_path / "other/mvn"))
    assert tool.runs == 3
    os.utime(tmp_path / "other/mvn", ns=(1, 1))  # the same path, upgraded
    build(tmp_path, java(tmp_path), tool, which=mvn_at(tmp_path / "other/mvn"))
    assert tool.runs == 4
    retried = build(tmp_path, java(tmp_path), tool, which=mvn_at(tmp_path / "other/mvn"),
                    retry_failed=True)
    assert tool.runs == 5 and "not run again" not in retried.message


def test_a_retry_that_works_is_kept_and_the_failure_forgotten(tmp_path):
    folder, which = java(tmp_path), mvn_at(tmp_path / "bin/mvn")
    build(tmp_path, folder, FailingTool(MAVEN_DOWN), which=which)

    def sam(cmd, **kwargs):
        write_tree(Path(cmd[cmd.index("--build-dir") + 1]), {"Fn/App.class": "x"})
        return subprocess.CompletedProcess(cmd, 0, "", "")
    made = Builder(tmp_path / "cache", runner=sam, which=which, retry_failed=True)(folder)
    assert Builder(tmp_path / "cache", runner=FailingTool(""), which=which)(folder) == made
    assert list((tmp_path / "cache/failures").iterdir()) == []


def test_locally_the_placeholder_is_reused_and_its_note_says_not_retried(tmp_path):
    tool, which = FailingTool(MAVEN_DOWN), mvn_at(tmp_path / "bin/mvn")
    first = Builder(tmp_path / "cache", runner=tool, local=True, which=which)
    made = first(java(tmp_path))
    [reason] = first.stood_in.values()
    assert reason == "its build failed (JavaMavenWorkflow:MavenBuild - Could not resolve " \
                     "dependencies)"
    again = Builder(tmp_path / "cache", runner=tool, local=True, which=which)
    assert again(java(tmp_path)) == made  # the same placeholder: the function is not updated
    assert tool.runs == 1
    [note] = again.stood_in.values()
    assert note.startswith(reason + "; the same build failed before and was not run again")
    assert note.endswith("to retry now: ws deploy --retry-builds)")


def test_a_missing_tool_is_not_remembered_as_a_failure(tmp_path):
    builder = Builder(tmp_path / "cache", runner=FailingTool(""), which=lambda name: None)
    with pytest.raises(BuildError, match="needs mvn, which is not on PATH"):
        builder(java(tmp_path))
    assert not (tmp_path / "cache/failures").exists()


def test_one_deploy_runs_a_failing_build_once_and_says_it_failed_now(tmp_path):
    # package_stacks builds every folder first (build_all), then packages the templates, which
    # asks the builder again for each folder: a placeholder must not build a second time
    tool, which = FailingTool(MAVEN_DOWN), mvn_at(tmp_path / "bin/mvn")
    builder = Builder(tmp_path / "cache", runner=tool, local=True, which=which)
    assert builder.build_all({"s": [java(tmp_path)]}) == {}
    builder(java(tmp_path))
    assert tool.runs == 1
    assert list(builder.stood_in.values()) == [
        "its build failed (JavaMavenWorkflow:MavenBuild - Could not resolve dependencies)"]
