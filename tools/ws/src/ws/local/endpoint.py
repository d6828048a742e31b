"""Start, find and stop the embedded local endpoint: a moto server on 127.0.0.1."""
from __future__ import annotations

import contextlib
import fcntl
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import asdict, dataclass
from importlib import metadata
from pathlib import Path

from ..errors import EndpointError

HOST = "127.0.0.1"
# ws/local/ patches moto's internals: the moto minor version they are written for.
MOTO_MINOR = "5.2"


@dataclass(frozen=True)
class EndpointInfo:
    """A running endpoint. `url` uses localhost: CloudFormation template URLs need that host."""

    url: str
    port: int
    pid: int
    started_at: float


def _state_file(state_dir: Path) -> Path:
    return state_dir / "local" / "endpoint.json"


def log_file(state_dir: Path) -> Path:
    return state_dir / "local" / "server.log"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except OSError:
        return False
    try:  # a zombie child of this process is not alive
        done, _ = os.waitpid(pid, os.WNOHANG)
        return done == 0
    except ChildProcessError:
        return True


def _answers(port: int, timeout: float = 1.0) -> bool:
    try:
        with urllib.request.urlopen(f"http://{HOST}:{port}/moto-api/", timeout=timeout):
            return True
    except urllib.error.HTTPError:
        return True  # it answered
    except OSError:
        return False


def status(state_dir: Path) -> EndpointInfo | None:
    """The recorded endpoint if its process lives and it answers HTTP; else None."""
    try:
        info = EndpointInfo(**json.loads(_state_file(state_dir).read_text()))
    except (OSError, ValueError, TypeError, RecursionError):
        return None
    return info if _alive(info.pid) and _answers(info.port) else None


def start(state_dir: Path, *, port: int | None = None, timeout: float = 30.0,
          schedules: bool = False) -> EndpointInfo:
    """Start the endpoint unless it already runs; wait until it answers HTTP.

    `schedules`: the server fires scheduled rules on their rate (applies when it starts).

    Two ws processes starting at once (two developers, two terminals) share one endpoint:
    the second waits on a file lock and finds the first one's.
    """
    check_moto()
    log = log_file(state_dir)
    log.parent.mkdir(parents=True, exist_ok=True)
    with open(log.parent / "start.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        running = status(state_dir)
        if running is not None:
            return running
        stop(state_dir)  # clean a stale record or a hung process
        port = port or _free_port()
        pid = _spawn(port, log, state_dir, schedules)
        info = EndpointInfo(f"http://localhost:{port}", port, pid, time.time())
        _wait_until_answers(info, log, timeout)
        _state_file(state_dir).write_text(json.dumps(asdict(info)))
        return info


def check_moto(version: str | None = None) -> None:
    """Refuse, with what to do, a moto whose internals ws's local endpoint was not written for."""
    try:
        version = version or metadata.version("moto")
    except metadata.PackageNotFoundError:
        version = "none"
    if version != MOTO_MINOR and not version.startswith(MOTO_MINOR + "."):
        raise EndpointError(f"the local endpoint is written for moto {MOTO_MINOR}.x, but moto "
                            f"{version} is installed",
                            "install ws's locked dependencies: tools/dev (it installs "
                            "tools/ws/requirements.lock)")


def _spawn(port: int, log: Path, state_dir: Path, schedules: bool = False) -> int:
    """The server's pid: detached in its own session, output appended to `log`.

    posix_spawn rather than Popen: a Popen left running warns when collected, and the
    server is meant to outlive this process.
    """
    argv = [sys.executable, "-m", "ws.local.server", "--host", HOST, "--port", str(port),
            *(["--schedules"] if schedules else []),
            "--state-dir", str(state_dir.resolve())]  # last: _servers_of() matches the end
    actions = [(os.POSIX_SPAWN_OPEN, 0, os.devnull, os.O_RDONLY, 0),
               (os.POSIX_SPAWN_OPEN, 1, str(log), os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644),
               (os.POSIX_SPAWN_DUP2, 1, 2)]
    return os.posix_spawn(sys.executable, argv, dict(os.environ), file_actions=actions,
                          setsid=True)


def _wait_until_answers(info: EndpointInfo, log: Path, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not _answers(info.port, timeout=0.5):
        if not _alive(info.pid) or time.monotonic() > deadline:
            _terminate(info.pid)
            raise EndpointError(f"the local endpoint did not start on port {info.port}",
                                f"see the server log {log}")
        time.sleep(0.1)


def stop(state_dir: Path) -> bool:
    """Stop the recorded endpoint; False when none was running. Cleans stale records."""
    path = _state_file(state_dir)
    try:
        info = EndpointInfo(**json.loads(path.read_text()))
    except (OSError, ValueError, TypeError, RecursionError):  # no record, or a corrupted one
        path.unlink(missing_ok=True)
        orphans = _servers_of(state_dir)
        for pid in orphans:
            _terminate(pid)
        return bool(orphans)
    was_running = _is_server(info.pid)
    if was_running:
        _terminate(info.pid)
    path.unlink(missing_ok=True)
    return was_running


def _servers_of(state_dir: Path) -> list[int]:
    """Servers started for `state_dir` (found by their command line: the record is gone)."""
    marker = f"--state-dir {state_dir.resolve()}"
    try:
        listing = subprocess.run(["ps", "-ww", "-eo", "pid=,args="],  # -ww: never cut lines
                                 capture_output=True, text=True, timeout=10).stdout
    except (OSError, subprocess.SubprocessError):
        return []
    return [int(line.split(None, 1)[0]) for line in listing.splitlines()
            if "ws.local.server" in line and line.rstrip().endswith(marker)]


def _is_server(pid: int) -> bool:
    """Alive and still our server: a stale record's pid may belong to another process now."""
    if not _alive(pid):
        return False
    try:
        return b"ws.local.server" in Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return True  # no /proc (macOS): trust the pid


def _terminate(pid: int) -> None:
    """SIGTERM, then SIGKILL after five seconds."""
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + 5
        while _alive(pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        if _alive(pid):
            os.kill(pid, signal.SIGKILL)


def reset(url: str) -> None:
    """Forget everything the endpoint holds (between tests)."""
    request = urllib.request.Request(f"{url}/moto-api/reset", method="POST")
    try:
        with urllib.request.urlopen(request, timeout=10):
            pass
    except OSError as exc:
        raise EndpointError(f"cannot reset the local endpoint at {url}: {exc}",
                            "start it with `ws local up`") from None
