"""tools/dev's first install, with a stand-in pip: it shows progress without flooding a CI log
and keeps pip's whole output in the install log."""
from __future__ import annotations

import os
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FAKE_PYTHON = """#!/usr/bin/env bash
# pip as tools/dev calls it: a few lines per package, then the install.
case "$*" in
  *--require-hashes*)
    for n in $(seq 1 40); do echo "Collecting pkg$n==1.0 (from -r lock (line $n))"
      echo "  Using cached pkg$n-1.0-py3-none-any.whl (10 kB)"; done
    echo "Installing collected packages: pkg1, pkg2"; echo "Successfully installed pkg1 pkg2" ;;
  *-e*) echo "Obtaining file://$PWD/tools/ws"; echo "Successfully installed ws-stacks" ;;
  *) echo "Requirement already satisfied: pip" ;;
esac
"""


def test_first_install_shows_steps_and_keeps_the_log(tmp_path):
    venv = tmp_path / "venv"
    (venv / "bin").mkdir(parents=True)
    for name, text in (("python", FAKE_PYTHON), ("ws", "#!/bin/sh\necho \"ws $* as $WS_PROG\"\n")):
        (venv / "bin" / name).write_text(text)
        (venv / "bin" / name).chmod(0o755)
    done = subprocess.run([str(ROOT / "tools/dev"), "outputs"], capture_output=True, text=True,
                          env={**os.environ, "WS_VENV": str(venv)}, timeout=60)
    assert done.returncode == 0, done.stderr
    lines = done.stderr.splitlines()
    assert lines[0] == f"installing ws and its locked dependencies into {venv} " \
                       f"(log: {venv}/install.log)"
    assert any(line.startswith("  [2/3] locked dependencies: collecting 1/") for line in lines)
    assert "  [2/3] locked dependencies: installing 40 packages (0s)" in lines
    assert [line for line in lines if "done" in line] == [
        "  [1/3] pip: done (0s)", "  [2/3] locked dependencies: done (0s)", "  [3/3] ws: done (0s)"]
    assert len(lines) < 12  # not a terminal: a line per phase, not one per package
    log = (venv / "install.log").read_text()
    assert "Collecting pkg40==1.0" in log and "Using cached pkg40" in log
    assert done.stdout == "ws outputs as tools/dev\n"  # and then the command itself
    again = subprocess.run([str(ROOT / "tools/dev"), "outputs"], capture_output=True, text=True,
                           env={**os.environ, "WS_VENV": str(venv)}, timeout=60)
    assert again.stderr == ""  # installed: nothing to say
