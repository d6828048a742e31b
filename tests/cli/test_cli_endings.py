"""How `ws deploy` ends when its output has nowhere to go (issue 24): a report file that cannot
be written is found before anything deploys, or written to a named fallback; a closed stdout
(`ws deploy | head -1`) ends quietly with the deploy's own exit code. Never a traceback."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from ws.cloud.backend import LOCAL_ENDPOINT_VAR
from ws.testing.workspaces import queue_template, workspace_files, write_tree

FULL = "/dev/full"  # every write: ENOSPC, as a full disk


def ws(root, *args, url, **run):
    env = {**os.environ, LOCAL_ENDPOINT_VAR: url}
    return subprocess.run([sys.executable, "-m", "ws", "--workspace", str(root), *args],
                          text=True, env=env, timeout=300, **run)


@pytest.fixture
def root(tmp_path):
    return write_tree(tmp_path / "w", workspace_files(
        a=(queue_template({"Out": "x"}), {}), b=(queue_template({"O": "y"}), {})))


@pytest.mark.skipif(not os.path.exists(FULL), reason="no /dev/full here")
@pytest.mark.parametrize("option", ["--report", "--junit"])
def test_an_output_file_that_cannot_be_written_is_refused_before_deploying(root, moto_url,
                                                                          option):
    done = ws(root, "deploy", "--env", "local", option, FULL, url=moto_url, capture_output=True)
    assert done.returncode == 2, done.stderr
    assert done.stderr.startswith(f"error: cannot write {FULL}: No space left on device")
    assert "Traceback" not in done.stderr
    outputs = ws(root, "outputs", "--env", "local", "--json", url=moto_url, capture_output=True)
    assert json.loads(outputs.stdout) == {"a": None, "b": None}  # nothing deployed


def test_the_probe_leaves_an_existing_file_and_no_new_one(tmp_path):
    from ws.cli.outputfiles import check_writable
    kept, new = tmp_path / "kept.json", tmp_path / "new.json"
    kept.write_text("before")
    check_writable(kept, new)
    assert kept.read_text() == "before" and not new.exists()


@pytest.mark.skipif(not os.path.exists(FULL), reason="no /dev/full here")
def test_a_report_that_fails_at_the_end_goes_to_a_named_fallback(capsys):
    from pathlib import Path

    from ws.cli.outputfiles import write_output
    write_output(Path(FULL), '{"ok": true}')
    said = capsys.readouterr().err
    assert said.startswith(f"warning: cannot write {FULL} (No space left on device): "
                           "written to ")
    fallback = Path(said.split("written to ", 1)[1].split()[0])
    assert fallback.read_text() == '{"ok": true}' and fallback.suffix == ""
    fallback.unlink()


def test_a_closed_stdout_ends_quietly_with_the_deploys_exit_code(root, tmp_path, moto_url):
    report = tmp_path / "run.json"
    read, write = os.pipe()
    os.close(read)  # the reader is gone before the first line (`| head -0`)
    try:
        done = ws(root, "deploy", "--env", "local", "--report", str(report), "--outputs",
                  url=moto_url, stdout=write, stderr=subprocess.PIPE)
    finally:
        os.close(write)
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    written = json.loads(report.read_text())
    assert written["ok"] and {s["status"] for s in written["stacks"]} == {"deployed"}


def test_a_closed_stdout_ends_a_printing_command_quietly(root, moto_url):
    read, write = os.pipe()
    os.close(read)
    try:
        done = ws(root, "outputs", "--env", "local", "--json", url=moto_url, stdout=write,
                  stderr=subprocess.PIPE)
    finally:
        os.close(write)
    assert (done.returncode, done.stderr) == (0, "")
