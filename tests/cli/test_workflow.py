"""The shipped GitHub Actions workflow: a workflow linter passes it, and every ws command in
it parses with the real CLI (so a renamed option breaks this test, not the pipeline)."""
from __future__ import annotations

import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from ws.cli import commands as cli

WORKFLOW = Path(__file__).resolve().parents[2] / ".github" / "workflows" / "store.yml"
ZIZMOR = str(Path(sys.executable).parent / "zizmor")  # installed with ws[test]


def lint(path: Path) -> subprocess.CompletedProcess:
    return subprocess.run([ZIZMOR, "--offline", "--no-progress", str(path)],
                          capture_output=True, text=True, timeout=120)


def test_workflow_passes_the_workflow_linter():
    result = lint(WORKFLOW)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_linter_catches_a_broken_workflow(tmp_path):
    broken = tmp_path / "broken.yml"
    broken.write_text(WORKFLOW.read_text().replace("runs-on: ubuntu-latest", "runs-onn: x", 1)
                      .replace("@11bd71901bbe5b1630ceea73d27597364c9af683", "@v4", 1))
    assert lint(broken).returncode != 0


def ws_commands() -> list[list[str]]:
    """The ws argument lists of every `tools/dev ...` / `.venv/bin/ws ...` line in run steps."""
    found = []
    for job in yaml.safe_load(WORKFLOW.read_text())["jobs"].values():
        for step in job["steps"]:
            for line in step.get("run", "").splitlines():
                match = re.search(r"(?:tools/dev|\.venv/bin/ws) (.*?)(?:\)|$|>>)", line)
                if match:
                    text = re.sub(r"\$\{?\w+\}?", "x", match.group(1))
                    found.append(shlex.split(text))
    return found


def test_every_ws_command_in_the_workflow_parses():
    commands = ws_commands()
    assert len(commands) >= 5
    for args in commands:
        if args[0] in ("test", "--version"):
            continue  # tools/dev's own: pytest, and the install-only call
        ctx = cli.cli.make_context("ws", list(args))
        command = cli.cli.get_command(ctx, args[0])
        assert command is not None, args
        command.make_context(args[0], list(args[1:]), parent=ctx)  # raises on a bad option


@pytest.mark.parametrize("needle", ["--format matrix", "--since", "--changed", "--junit",
                                    "--env prod --changed --yes", "environment: production",
                                    "environment: staging", "STAGING_PLAN_ROLE_ARN"])
def test_workflow_does_what_the_pipeline_promises(needle):
    assert needle in WORKFLOW.read_text()


def jobs() -> dict:
    return yaml.safe_load(WORKFLOW.read_text())["jobs"]


def test_every_job_has_a_timeout_and_deploys_are_serialised_per_environment():
    assert all("timeout-minutes" in job for job in jobs().values())
    assert jobs()["production"]["concurrency"]["group"] == "production"
    assert jobs()["staging"]["concurrency"]["group"].startswith("staging-")


def test_dependencies_are_installed_before_any_credentials():
    for name, job in jobs().items():
        steps = [s.get("uses", "") + s.get("run", "") for s in job["steps"]]
        creds = [i for i, s in enumerate(steps) if "configure-aws-credentials" in s]
        installs = [i for i, s in enumerate(steps) if s.startswith("tools/dev")]
        if creds:
            assert installs and installs[0] < creds[0], name
