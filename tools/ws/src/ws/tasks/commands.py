"""Run a target's command in its stack folder, its output (stdout and stderr) captured."""
from __future__ import annotations

import os
import signal
import subprocess
import threading
from pathlib import Path
from typing import Mapping


class CommandRunner:
    """Runs commands, each in a session of its own: a Ctrl-C at the terminal reaches ws only,
    which lets running targets finish (as deploys do); `stop_all` ends those still running
    when ws stops waiting (a second Ctrl-C)."""

    def __init__(self) -> None:
        self._running: set[subprocess.Popen] = set()
        self._lock = threading.Lock()

    def __call__(self, command: str | tuple[str, ...], cwd: Path,
                 environ: Mapping[str, str]) -> tuple[int, str]:
        """The exit code and the output as text (invalid UTF-8 replaced)."""
        try:
            proc = subprocess.Popen(command if isinstance(command, str) else list(command),
                                    shell=isinstance(command, str), cwd=cwd, env=dict(environ),
                                    stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                    stderr=subprocess.STDOUT, start_new_session=True)
        except OSError as exc:  # a list command whose program does not exist
            return 127, f"could not start {command[0]!r}: {exc.strerror or exc}\n"
        with self._lock:
            self._running.add(proc)
        try:
            output, _ = proc.communicate()
        finally:
            with self._lock:
                self._running.discard(proc)
        return proc.returncode, output.decode("utf-8", "replace")

    def stop_all(self) -> None:
        with self._lock:
            running = list(self._running)
        for proc in running:
            try:
                os.killpg(proc.pid, signal.SIGTERM)
            except OSError:
                pass
