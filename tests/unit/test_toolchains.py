"""A function's build tool is known before building (as sam's workflows choose it) and checked
on PATH: on AWS a missing one is that stack's failure, named; on the local endpoint the function
gets placeholder code that says why when invoked."""
from __future__ import annotations

import io
import json
import subprocess
import zipfile
from pathlib import Path

import pytest
from ws.cloud.backend import AWS, Backend
from ws.config.workspace import load_workspace
from ws.package.build import Builder
from ws.package.builds import toolchains
from ws.package.builds.recipes import recipe
from ws.package.builds.run import BuildError
from ws.package.builds.standin import MARKER, invoke_error
from ws.package.code import CodeFolder
from ws.package.prepare import package_stacks
from ws.testing.workspaces import workspace_files, write_tree


def fn(path: Path, runtime: str, method: str | None = None, stack_dir: Path | None = None):
    return CodeFolder("Fn", "CodeUri", path, runtime, build_method=method, stack_dir=stack_dir)


def needed(folder: CodeFolder) -> str | None:
    tool = toolchains.needed(folder, recipe(folder))
    return tool.program if tool else None


def test_the_tool_is_chosen_as_sam_chooses_it(tmp_path):
    write_tree(tmp_path, {"mvn/pom.xml": "", "both/pom.xml": "", "both/build.gradle": "",
                          "kts/build.gradle.kts": "", "bare/App.java": "", "stack/build.gradle": "",
                          "stack/code/pom.xml": "", "cs/App.csproj": "", "go/go.mod": ""})
    assert needed(fn(tmp_path / "mvn", "java21")) == "mvn"
    assert needed(fn(tmp_path / "both", "java17")) == "gradle"  # sam tries Gradle first
    assert needed(fn(tmp_path / "kts", "java11")) == "gradle"
    assert needed(fn(tmp_path / "stack/code", "java21", stack_dir=tmp_path / "stack")) == "gradle"
    assert needed(fn(tmp_path / "bare", "java21")) is None  # sam says what is missing
    assert needed(fn(tmp_path / "cs", "dotnet8")) == "dotnet"
    assert needed(fn(tmp_path / "cs", "provided.al2", "dotnet7")) == "dotnet"
    assert needed(fn(tmp_path / "go", "provided.al2023", "go1.x")) == "go"
    assert needed(fn(tmp_path / "go", "go1.x")) == "go"
    assert needed(fn(tmp_path / "go", "ruby3.3")) == "bundle"
    assert needed(fn(tmp_path / "go", "provided.al2", "rust-cargolambda")) == "cargo-lambda"
    assert needed(fn(tmp_path / "go", "python3.12", "makefile")) == "make"
    assert needed(fn(tmp_path / "go", "python3.12")) is None  # ws builds it itself
    assert needed(fn(tmp_path / "go", "provided.al2023")) is None  # a prebuilt bootstrap


def test_gradles_wrapper_counts(tmp_path):
    write_tree(tmp_path, {"stack/code/build.gradle": "", "stack/gradlew": "#!/bin/sh\n"})
    folder = fn(tmp_path / "stack/code", "java21", stack_dir=tmp_path / "stack")
    assert toolchains.missing(folder, recipe(folder), lambda name: None) is toolchains.GRADLE
    (tmp_path / "stack/gradlew").chmod(0o755)
    assert toolchains.missing(folder, recipe(folder), lambda name: None) is None
    assert toolchains.missing(folder, recipe(folder), lambda name: f"/usr/bin/{name}") is None


def no_runs(*args, **kwargs):
    raise AssertionError(f"nothing should run: {args}")


def java(tmp_path: Path) -> CodeFolder:
    write_tree(tmp_path, {"fn/pom.xml": "<project/>", "fn/src/App.java": "class App {}"})
    return fn(tmp_path / "fn", "java21")


def test_on_aws_a_missing_tool_fails_the_build_naming_function_tool_and_install(tmp_path):
    builder = Builder(tmp_path / "cache", runner=no_runs, which=lambda name: None)
    with pytest.raises(BuildError) as info:
        builder(java(tmp_path))
    assert info.value.message == ("Fn: building java21 needs mvn, which is not on PATH: install "
                                  "Maven (apt-get install maven, or brew install maven)")
    assert builder.stood_in == {}


def test_locally_a_missing_tool_gives_placeholder_code(tmp_path):
    builder = Builder(tmp_path / "cache", runner=no_runs, local=True, which=lambda name: None)
    folder = java(tmp_path)
    data = builder(folder)
    archive = zipfile.ZipFile(io.BytesIO(data))
    assert archive.namelist() == [MARKER]
    assert json.loads(archive.read(MARKER)) == {"runtime": "java21",
                                                "reason": "mvn not found on PATH"}
    assert builder.stood_in == {folder: "mvn not found on PATH"}
    assert builder(folder) == data  # the same bytes each time: the fingerprint holds


def test_locally_placeholders_error_makes_it_the_stacks_failure(tmp_path):
    builder = Builder(tmp_path / "cache", runner=no_runs, local=True, placeholders=False,
                      which=lambda name: None)
    with pytest.raises(BuildError, match=r"needs mvn, .* remove `placeholders: error`"):
        builder(java(tmp_path))


def failing_sam(cmd, **kwargs):
    return subprocess.CompletedProcess(cmd, 1, "", "Running JavaMavenWorkflow:MavenBuild\n"
                                       "Error: JavaMavenWorkflow:MavenBuild - Maven Failed:")


def test_locally_a_failed_build_of_a_runtime_that_cannot_run_there_is_a_placeholder(tmp_path):
    builder = Builder(tmp_path / "cache", runner=failing_sam, local=True,
                      which=lambda name: f"/usr/bin/{name}")
    folder = java(tmp_path)
    builder(folder)
    assert builder.stood_in == {
        folder: "its build failed (JavaMavenWorkflow:MavenBuild - Maven Failed:)"}
    with pytest.raises(BuildError, match="Maven Failed"):  # on AWS it is the stack's failure
        Builder(tmp_path / "aws", runner=failing_sam, which=lambda name: "/usr/bin/mvn")(folder)


def test_locally_a_failed_build_of_a_python_function_stays_a_failure(tmp_path):
    write_tree(tmp_path, {"py/Makefile": "build-Fn:\n\tfalse\n", "py/app.py": ""})
    builder = Builder(tmp_path / "cache", runner=failing_sam, local=True,
                      which=lambda name: f"/usr/bin/{name}")
    with pytest.raises(BuildError):
        builder(fn(tmp_path / "py", "python3.12", "makefile"))


def test_a_placeholder_answers_why_when_invoked(tmp_path):
    write_tree(tmp_path, {f"stub/{MARKER}": json.dumps({"reason": "mvn not found on PATH"}),
                          "real/App.class": ""})
    assert invoke_error(tmp_path / "stub", "java21") == (
        "java21 does not run locally: mvn not found on PATH (ws deployed placeholder code; "
        "deploy to AWS to run it)")
    assert invoke_error(tmp_path / "real", "java21") is None


NESTED_PARENT = json.dumps({"Transform": "AWS::Serverless-2016-10-31", "Resources": {
    "Child": {"Type": "AWS::Serverless::Application", "Properties": {
        "Location": "child.json"}}}})
NESTED_CHILD = json.dumps({"Transform": "AWS::Serverless-2016-10-31", "Resources": {
    "Fn": {"Type": "AWS::Serverless::Function", "Properties": {
        "CodeUri": "fn/", "Handler": "App::handle", "Runtime": "java21"}}}})


def test_a_nested_templates_failed_build_fails_its_stack_only(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    root = write_tree(tmp_path, workspace_files(
        app=(NESTED_PARENT, {}), plain=(json.dumps({"Resources": {
            "Queue": {"Type": "AWS::SQS::Queue"}}}), {})))
    write_tree(root / "stacks/app", {"child.json": NESTED_CHILD, "fn/pom.xml": "<project/>"})
    ws = load_workspace(root)
    aws = Backend("aws", "us-east-1", "123456789012", lambda service: None, None, can=AWS)
    packaged = package_stacks(ws, aws, ["app", "plain"])
    assert list(packaged.prepared) == ["plain"]
    assert "Fn: building java21 needs mvn" in packaged.failed["app"].message
