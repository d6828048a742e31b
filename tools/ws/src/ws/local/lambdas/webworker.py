"""A Lambda Web Adapter worker: starts the function's web app as the adapter does (its handler
script in the task root), waits for its readiness check, then answers each invocation by an
HTTP request to it (webhttp.py maps events and answers).

Started as ``python -I webworker.py --endpoint URL`` in the task root with the function's
environment; speaks the frames of worker.py on stdin/stdout. Standard library only, runs no
function code itself: the app is its child, in its process group, killed with it.
"""
from __future__ import annotations

import argparse
import http.client
import os
import socket
import subprocess
import sys
import threading
import time
from typing import Any

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import webanswer  # noqa: E402 - siblings, found by this script's folder
import webhttp  # noqa: E402
import webports  # noqa: E402
from worker import read_frame, write_frame  # noqa: E402

MARGIN_S = 0.2  # answer before the server's own deadline for the invocation
KEPT_LINES = 10_000  # of the app's output between two invocations (the newest)


class App:
    """The web app process, and what it printed (read into the invocations' logs)."""

    def __init__(self, declared: webhttp.Config) -> None:
        self.declared = declared
        self.config = declared.on_port(webports.free_port())
        self._output: list[str] = []
        self._lock = threading.Lock()
        self.ready = False
        script = os.path.join(os.getcwd(), os.environ.get("_HANDLER", ""))
        env = {**os.environ, "PORT": str(self.config.port)}
        if "AWS_LWA_PORT" in env:
            env["AWS_LWA_PORT"] = env["PORT"]
        self.proc = subprocess.Popen(_command(script), stdin=subprocess.DEVNULL, env=env,
                                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in iter(self.proc.stdout.readline, b""):
            with self._lock:
                self._output.append(line.decode(errors="replace"))
                del self._output[:-KEPT_LINES]

    def output(self) -> str:
        if self.proc.poll() is not None:
            time.sleep(0.01)  # the reader takes in its last lines
        with self._lock:
            text, self._output = "".join(self._output), []
        return text

    def wait_ready(self, deadline: float) -> str | None:
        """None once the readiness check passes, else why not (by `deadline`, epoch s)."""
        while not self.ready:
            if (code := self.proc.poll()) is not None:
                return f"Runtime exited with error: exit status {code}"
            if time.time() >= deadline:
                return "not ready"
            self.ready = self._check() or self._on_declared_port()
            time.sleep(0 if self.ready else 0.01)
        return None

    def _on_declared_port(self) -> bool:
        """Whether the app listens on the port it declared rather than on PORT; then it
        is reached there (a second instance of it cannot start meanwhile)."""
        if self.declared.port == self.config.port or \
                not webports.listens_here(self.declared.port):
            return False
        self.config = self.declared
        return self._check()

    def _check(self) -> bool:
        port, path = self.config.check_port, self.config.check_path
        try:
            if self.config.check_tcp:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                return True
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
            conn.request("GET", path)
            status = conn.getresponse().status
            conn.close()
            return self.config.healthy(status)
        except OSError:
            return False


def _command(script: str) -> list[str]:
    """The handler script's command: its #! line, else bash (the adapter's bootstrap execs it
    from bash, which runs a script without one); no executable bit needed."""
    try:
        with open(script, "rb") as handle:
            first = handle.readline().decode(errors="replace")
    except OSError:
        return [sys.executable, "-c", "import sys; sys.exit('Error: cannot read the handler "
                "script ' + sys.argv[1])", script]
    if first.startswith("#!") and first[2:].split():
        return [*first[2:].split(), script]
    return ["bash", script]


def invoke(app: App, request: dict[str, Any]) -> dict[str, Any]:
    """One invocation's reply frame."""
    deadline = request["deadline_ms"] / 1000 - MARGIN_S
    problem = app.wait_ready(deadline)
    if problem is not None:
        return _failure(app, request, problem)
    try:
        # waits past the server's deadline: a slow app times out as a slow handler does
        answer = webhttp.forward(app.config, request, deadline - time.time() + 2 * MARGIN_S)
    except (OSError, http.client.HTTPException) as exc:
        reply = _failure(app, request, f"the app's answer failed: {exc!r}", "WebAppError")
        return {**reply, "exit": app.proc.poll() is not None}
    return {**webanswer.reply(answer, app.config.streaming), "log": app.output() + answer.cut}


def _failure(app: App, request: dict[str, Any], problem: str,
             error_type: str = "Runtime.InitError") -> dict[str, Any]:
    config, rid = app.config, request["request_id"]
    if problem == "not ready":
        declared = app.declared
        problem = (f"the web app did not pass the Lambda Web Adapter's readiness check within "
                   f"the function's timeout: GET {declared.check_path} on port "
                   f"{declared.check_port} (ws runs each instance on a port of its own, given "
                   f"in PORT={config.port})")
    message = f"RequestId: {rid} Error: {problem}"
    if problem.startswith("Runtime exited"):
        error_type = "Runtime.ExitError"
    return {"ok": False, "exit": True, "log": f"{app.output()}{message}\n",
            "payload": webhttp.error_json(error_type, message)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--endpoint", required=True)
    parser.parse_args()
    frames_in = os.fdopen(os.dup(0), "rb")
    frames_out = os.fdopen(os.dup(1), "wb")
    os.dup2(os.open(os.devnull, os.O_RDONLY), 0)
    os.dup2(2, 1)
    webhttp.app_paths(os.environ)
    app = App(webhttp.Config.from_env(os.environ))
    while (request := read_frame(frames_in)) is not None:
        reply = invoke(app, request)
        write_frame(frames_out, reply)
        if reply.get("exit"):
            break


if __name__ == "__main__":
    main()
