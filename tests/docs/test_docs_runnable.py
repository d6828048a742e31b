"""The README's runnable shell blocks (a `<!-- runnable -->` line before a ```sh block) run,
in order, in a copy of the store against a fresh local endpoint, through the real tools/dev."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import ws

ROOT = Path(__file__).resolve().parents[2]
MARKED = re.compile(r"^<!-- runnable -->\n```sh\n(.*?)^```", re.S | re.M)
PAGES = ["README.md"]  # keep runnable blocks few: the README's local tour


def runnable(text: str) -> list[str]:
    return MARKED.findall(text)


def test_blocks_are_found_only_after_the_marker():
    text = "```sh\nno\n```\n<!-- runnable -->\n```sh\nyes one\nyes two\n```\n"
    assert runnable(text) == ["yes one\nyes two\n"]


def copy_of_the_store(tmp_path: Path) -> Path:
    """The store and tools/dev, with a virtualenv that is this test's Python and ws."""
    repo = tmp_path / "repo"
    skip = shutil.ignore_patterns(".ws", "__pycache__", "node_modules")
    for part in ("stacks", "environments"):
        shutil.copytree(ROOT / part, repo / part, ignore=skip)
    (repo / "tools").mkdir()
    for name in ("workspace.yaml", "tools/dev"):
        shutil.copy2(ROOT / name, repo / name)
    venv = tmp_path / "venv"
    (venv / "bin").mkdir(parents=True)
    for name, command in (("python", f'"{sys.executable}"'), ("ws", f'"{sys.executable}" -m ws')):
        script = venv / "bin" / name
        script.write_text(f'#!/bin/sh\nexec {command} "$@"\n')
        script.chmod(0o755)
    (venv / ".ws-installed").touch()  # tools/dev installs nothing
    return repo


def test_the_readme_tour_runs(tmp_path, endpoint):
    blocks = [block for page in PAGES for block in runnable((ROOT / page).read_text())]
    assert len(blocks) >= 3, "the README marks its local tour <!-- runnable -->"
    repo = copy_of_the_store(tmp_path)
    env = {**os.environ, "WS_VENV": str(tmp_path / "venv"),
           "PYTHONPATH": str(Path(ws.__file__).resolve().parents[1])}
    outputs = []
    for block in blocks:
        done = subprocess.run(["bash", "-euo", "pipefail", "-c", block], cwd=repo, env=env,
                              capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, f"README block failed:\n{block}\n{done.stdout}{done.stderr}"
        outputs.append(done.stdout)
    everything = "\n".join(outputs)
    assert "WebsiteUrl" in everything
    assert "code changed" in everything  # the tour's edit shows in the plan
