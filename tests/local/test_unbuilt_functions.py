"""A function whose build tool is missing deploys to the local endpoint with placeholder code:
the stack deploys, its note names the function, an invoke answers why; `placeholders: error`
makes it that stack's failure instead."""
from __future__ import annotations

import json
import os

from ws import api
from ws.engine.request import Observer, RunRequest
from ws.testing.workspaces import workspace_files, write_tree

TEMPLATE = json.dumps({
    "Transform": "AWS::Serverless-2016-10-31",
    "Resources": {
        "Tickets": {"Type": "AWS::SQS::Queue"},
        "Publisher": {"Type": "AWS::Serverless::Function", "Properties": {
            "CodeUri": "publisher/", "Handler": "com.example.App::handleRequest",
            "Runtime": "java21", "MemorySize": 512}}}})
POM = """<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>com.example</groupId><artifactId>publisher</artifactId><version>1.0</version>
</project>
"""


def _workspace(tmp_path, placeholders=None):
    env = {"target": "local", "mocks": True, **({"placeholders": placeholders} if placeholders
                                                 else {})}
    files = workspace_files(env=env, tickets=(TEMPLATE, {}), plain=(json.dumps(
        {"Resources": {"Queue": {"Type": "AWS::SQS::Queue"}}}), {}))
    files["stacks/tickets/publisher/pom.xml"] = POM
    files["stacks/tickets/publisher/src/main/java/com/example/App.java"] = "class App {}\n"
    return write_tree(tmp_path / "ws", files)


def _without_maven(tmp_path, monkeypatch):
    """PATH with git only (ws reads the commit), so mvn is not found."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    os.symlink("/usr/bin/git", bin_dir / "git")
    monkeypatch.setenv("PATH", str(bin_dir))


def test_a_function_without_its_build_tool_deploys_as_a_placeholder(tmp_path, monkeypatch,
                                                                     endpoint, aws):
    _without_maven(tmp_path, monkeypatch)
    seen = []
    report = api.deploy(_workspace(tmp_path), "local", RunRequest(check_templates=False),
                        Observer(on_event=lambda stack, message: seen.append((stack, message))))
    assert report.ok, [(s.stack, s.status, s.reason) for s in report.stacks]
    said = [(s, m) for s, m in seen if "not run locally" in m or "Runtime.Unsupported" in m]
    assert said == [("tickets", "placeholders, created but not run locally: "
                                "Publisher (java21: mvn not found on PATH)")]
    lam = aws("lambda")
    [function] = lam.list_functions()["Functions"]
    assert function["Runtime"] == "java21"  # the declared runtime is kept
    answer = lam.invoke(FunctionName=function["FunctionName"], Payload=b"{}")
    assert answer["FunctionError"] == "Unhandled"
    error = json.loads(answer["Payload"].read())
    assert error["errorType"] == "Runtime.Unsupported"
    assert error["errorMessage"].startswith("java21 does not run locally: mvn not found on PATH")


def test_placeholders_error_fails_that_stack_only(tmp_path, monkeypatch, endpoint, aws):
    _without_maven(tmp_path, monkeypatch)
    report = api.deploy(_workspace(tmp_path, "error"), "local",
                        RunRequest(check_templates=False))
    status = {s.stack: (s.status, s.reason) for s in report.stacks}
    assert not report.ok
    assert status["plain"][0] == "deployed", status
    assert "Publisher: building java21 needs mvn, which is not on PATH: install Maven" in \
        status["tickets"][1]
    assert "remove `placeholders: error`" in status["tickets"][1]
    assert aws("lambda").list_functions()["Functions"] == []


def test_a_failed_build_is_not_retried_until_asked(tmp_path, endpoint, aws):
    runs = tmp_path / "runs.txt"
    files = workspace_files(tickets=(json.dumps({
        "Transform": "AWS::Serverless-2016-10-31",
        "Resources": {"Publisher": {
            "Type": "AWS::Serverless::Function",
            "Properties": {"CodeUri": "publisher/", "Handler": "App::handle",
                           "Runtime": "java21"},
            "Metadata": {"BuildMethod": "makefile"}}}}), {}))
    files["stacks/tickets/publisher/Makefile"] = (
        f"build-Publisher:\n\techo ran >> {runs}\n\techo 'cannot reach the repository' >&2\n"
        "\texit 1\n")
    root = write_tree(tmp_path / "ws", files)

    def notes(request: RunRequest) -> list[str]:
        seen: list[str] = []
        report = api.deploy(root, "local", request, Observer(
            on_event=lambda stack, message: seen.append(message)))
        assert report.ok, [(s.stack, s.status, s.reason) for s in report.stacks]
        return [m for m in seen if "not run locally" in m]
    first = notes(RunRequest(check_templates=False))
    assert len(first) == 1 and first[0].startswith(
        "placeholders, created but not run locally: Publisher (java21: its build failed (")
    assert "not run again" not in first[0]
    assert runs.read_text().count("ran") == 1
    [again] = notes(RunRequest(check_templates=False))
    assert runs.read_text().count("ran") == 1
    assert again.startswith(first[0][:-1] + "; the same build failed before and was not run "
                                             "again")
    assert again.endswith("to retry now: ws deploy --retry-builds))")
    assert notes(RunRequest(check_templates=False, retry_builds=True)) == first
    assert runs.read_text().count("ran") == 2
