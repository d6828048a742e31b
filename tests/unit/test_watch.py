"""The watch loop on scripted events and a scripted deploy: bursts settle into one cycle, a
broken template and a failed deploy are said and the watch goes on, no real time needed."""
from __future__ import annotations

from ws.engine.results import RunReport, StackReport
from ws.engine.watch import Outcome, burst, outcome_of, relevant, watch, watched
from ws.errors import ConfigError


def events(*script):
    """next_event over `script`: a path, or None for "nothing within the timeout"; the end of
    the script ends the source."""
    items = list(script)

    def next_event(timeout):
        while items:
            item = items.pop(0)
            if item is not None or timeout is not None:
                return item
        return None
    return next_event


class Clock:
    def __init__(self):
        self.t = 0.0

    def __call__(self):
        self.t += 0.5
        return self.t


def test_a_burst_of_edits_is_one_cycle_and_noise_is_ignored():
    next_event = events("stacks/a/src/h.py", ".ws/cache", "stacks/a/src/h.py~",
                        "stacks/a/template.yaml", None)
    assert burst(next_event, 0.2) == ["stacks/a/src/h.py", "stacks/a/template.yaml"]
    assert not relevant("stacks/a/__pycache__/h.cpython-311.pyc")


def test_errors_are_said_and_the_watch_goes_on():
    outcomes = [ConfigError("C1 refused", path="stacks/a/template.yaml", line=3),
                Outcome("a failed (boom)"), Outcome("a hotswapped")]
    seen, lines = [], []

    def deploy(changed):
        seen.append(changed)
        found = outcomes.pop(0)
        if isinstance(found, Exception):
            raise found
        return found
    next_event = events("stacks/a/template.yaml", None, "stacks/a/template.yaml", None,
                        "stacks/a/src/h.py", None)
    assert watch(next_event, deploy, lines.append, Clock()) == 3
    assert lines == ["stacks/a/template.yaml: error: stacks/a/template.yaml:3: C1 refused (0.5s)",
                     "stacks/a/template.yaml: a failed (boom) (0.5s)",
                     "stacks/a/src/h.py: a hotswapped (0.5s)"]
    assert seen[-1] == ["stacks/a/src/h.py"]


def test_an_interrupted_deploy_ends_the_watch():
    lines = []
    watch(events("a", None, "b", None), lambda changed: Outcome("stopped", last=True),
          lines.append, Clock())
    assert len(lines) == 1


def test_outcome_and_what_is_watched(tmp_path):
    report = RunReport("deploy", "dev", [
        StackReport("fn", "x-fn", "deployed", "hotswapped Code of Fn"),
        StackReport("api", "x-api", "deployed"), StackReport("ui", "x-ui", "unchanged"),
        StackReport("db", "x-db", "failed", "boom")], 0, 1)
    assert outcome_of(report).text == "fn hotswapped, api deployed, db failed (boom)"
    assert outcome_of(RunReport("deploy", "dev", [], 0, 1)).text == "nothing to deploy"

    class Ws:
        stacks = {"a": type("S", (), {"rel_dir": "stacks/a"})(),
                  "b": type("S", (), {"rel_dir": "stacks/b"})()}
        shared = ("lib",)
    wanted = watched(Ws(), type("E", (), {"name": "dev"})(), ["a"])
    assert [p for p in ("stacks/a/src/h.py", "stacks/b/x", "lib/u.py", "workspace.yaml",
                        "environments/dev.yaml", "environments/prod.yaml", "stacks/ab/x")
            if wanted(p)] == ["stacks/a/src/h.py", "lib/u.py", "workspace.yaml",
                              "environments/dev.yaml"]


def test_an_unreachable_target_is_said_and_the_watch_goes_on(tmp_path, monkeypatch):
    from botocore.exceptions import EndpointConnectionError
    from ws import api
    from ws.graph.selection import Selection
    from ws.testing.workspaces import queue_template, workspace_files, write_tree
    root = write_tree(tmp_path, workspace_files(a=(queue_template(), {})))
    answers = [EndpointConnectionError(endpoint_url="https://cloudformation"), None]

    def deploy(*args, **kwargs):
        found = answers.pop(0)
        if found is not None:
            raise found
        return RunReport("deploy", "local", [StackReport("a", "x-a", "deployed")], 0, 1)
    monkeypatch.setattr(api, "deploy", deploy)
    lines = []
    api.watch(root, "local", Selection(), lines.append,
              next_event=events("stacks/a/template.yaml", None, "stacks/a/template.yaml", None))
    assert "error: cannot reach AWS" in lines[1] and lines[2].startswith(
        "stacks/a/template.yaml: a deployed")
