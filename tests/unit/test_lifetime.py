"""A ws process ends without the interpreter's teardown: its exit code, its output and its
child processes are as at a normal exit."""
from __future__ import annotations

import subprocess
import sys
import textwrap


def ended(body: str, tmp_path, output: bool = True) -> subprocess.CompletedProcess:
    """Run `body` as a script; without `output`, nothing holds its pipes (the run returns
    when the process itself has ended, not when its children have)."""
    script = tmp_path / "end.py"
    script.write_text(textwrap.dedent(body))
    pipes = {"capture_output": True} if output else {"stdout": subprocess.DEVNULL,
                                                     "stderr": subprocess.DEVNULL}
    return subprocess.run([sys.executable, str(script)], text=True, timeout=60, cwd=tmp_path,
                          **pipes)


def test_exit_codes_and_buffered_output_survive(tmp_path):
    for code, status in (("None", 0), ("0", 0), ("2", 2), ("130", 130)):
        done = ended(f"""
            import sys
            from ws.cli import lifetime
            sys.stdout.write("buffered, no newline")
            lifetime.end({code})
            """, tmp_path)
        assert (done.returncode, done.stdout) == (status, "buffered, no newline")
    message = ended("from ws.cli import lifetime; lifetime.end('went wrong')", tmp_path)
    assert message.returncode == 1 and message.stderr == "went wrong\n"


def test_log_files_are_flushed_and_children_waited_for(tmp_path):
    done = ended("""
        import logging, multiprocessing, time
        from pathlib import Path
        from ws.cli import lifetime

        def late():
            time.sleep(0.5)
            Path("child.txt").write_text("done")

        if __name__ == "__main__":
            logging.basicConfig(filename="ws.log", level=logging.INFO)
            logging.info("logged line")
            multiprocessing.get_context("fork").Process(target=late).start()
            lifetime.end(0)
        """, tmp_path, output=False)
    assert done.returncode == 0
    assert "logged line" in (tmp_path / "ws.log").read_text()
    assert (tmp_path / "child.txt").read_text() == "done"


def test_the_cli_ends_with_the_commands_exit_code(tmp_path):
    bad = subprocess.run([sys.executable, "-m", "ws", "--workspace", str(tmp_path), "graph"],
                         capture_output=True, text=True, timeout=60)
    assert bad.returncode == 2 and "workspace.yaml" in bad.stderr
    assert subprocess.run([sys.executable, "-m", "ws", "--help"], capture_output=True,
                          timeout=60).returncode == 0
