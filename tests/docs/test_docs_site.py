"""The documentation site builds with no broken link or anchor, and the README's links and
first-run commands hold."""
from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LINK = re.compile(r"\]\(([^)\s]+)\)")


def test_the_site_builds_strictly(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-f", str(ROOT / "mkdocs.yml"),
         "-d", str(tmp_path / "site")],
        capture_output=True, text=True, timeout=120, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    assert done.returncode == 0, f"mkdocs build --strict failed:\n{done.stdout}{done.stderr}"
    assert (tmp_path / "site/reference/cli/index.html").is_file()


def test_the_readme_links_to_files_that_exist():
    text = (ROOT / "README.md").read_text()
    local = [link for link in LINK.findall(text) if not re.match(r"[a-z]+:", link)]
    assert local, "the README links to the docs"
    missing = [link for link in local if not (ROOT / link.split("#")[0]).exists()]
    assert missing == []


def test_the_first_run_commands_are_the_readme_s_and_ci_runs_its_test_command():
    text = (ROOT / "README.md").read_text()
    first_run = text.split("## First run", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```sh\n(.*?)```", first_run, re.S)
    assert [b.strip() for b in blocks] == ["tools/dev deploy", "tools/dev test"]
    assert "tools/dev test" in (ROOT / ".ci/run").read_text()


def test_the_readme_fits_on_a_few_screens():
    assert len((ROOT / "README.md").read_text().splitlines()) <= 160
