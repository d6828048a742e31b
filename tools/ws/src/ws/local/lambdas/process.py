"""One worker process seen from the server: start it (under its shepherd, in a process group
of its own), send an invocation, read the reply before a deadline, kill it with all it started.

Not a session of its own: a new session is a new scheduler autogroup on Linux, and on a busy
machine that added about 0.5 ms to a warm invoke (A/B, invocations alternated)."""
from __future__ import annotations

import contextlib
import json
import os
import select
import signal
import struct
import subprocess
import time
import uuid
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from ws.local.lambdas import layers
from ws.local.lambdas.endings import being_killed, descendants, ending
from ws.local.lambdas.launch import Launch
from ws.local.lambdas.runtimesdk import runtime_dir
from ws.local.lambdas.spec import FunctionSpec
from ws.local.reach import environment as reach

DUMMY_CREDENTIALS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                     "AWS_SESSION_TOKEN": "testing"}
_HEADER = struct.Struct(">I")


def worker_env(spec: FunctionSpec, endpoint: str, task_root: Path, log_stream: str,
               runtime_env: dict[str, str] | None = None,
               opt: Path | None = None) -> dict[str, str]:
    """The worker's environment: the function's variables and Lambda's reserved ones, with
    every AWS call pointed at the local endpoint, and what the runtime adds (`runtime_env`).
    Node.js searches the function's own NODE_PATH, its layers (in `opt`), the SDK, its code.
    Nothing is inherited from the server but PATH and locale: real credentials must never
    reach a function."""
    base = {key: os.environ[key] for key in ("PATH", "LANG", "LC_ALL") if key in os.environ}
    reserved = {
        "AWS_ENDPOINT_URL": endpoint, "AWS_REGION": spec.region,
        # no `sync-`/`data-` host prefix on 127.0.0.1 (botocore; no name would resolve)
        "AWS_DISABLE_HOST_PREFIX_INJECTION": "true",
        "AWS_DEFAULT_REGION": spec.region, **DUMMY_CREDENTIALS,
        "AWS_LAMBDA_FUNCTION_NAME": spec.name, "AWS_LAMBDA_FUNCTION_VERSION": spec.version,
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(spec.memory),
        "AWS_LAMBDA_LOG_GROUP_NAME": spec.log_group, "AWS_LAMBDA_LOG_STREAM_NAME": log_stream,
        "AWS_EXECUTION_ENV": f"AWS_Lambda_{spec.runtime}", "_HANDLER": spec.handler,
        "LAMBDA_TASK_ROOT": str(task_root), "LAMBDA_RUNTIME_DIR": str(runtime_dir(task_root)),
        "TZ": ":UTC", "PYTHONUNBUFFERED": "1", "PYTHONDONTWRITEBYTECODE": "1",
    }
    added = dict(runtime_env or {})
    own = dict(spec.env)
    if spec.runtime.startswith("nodejs"):  # Lambda's order: layers, its SDK, the task root
        lambda_path = [*layers.node_paths(opt, spec.runtime),
                       *filter(None, [added.get("NODE_PATH")]), str(task_root)]
        added["NODE_PATH"] = os.pathsep.join([*filter(None, [own.get("NODE_PATH")]),
                                              *lambda_path])
    elif opt is not None:
        reserved[layers.OPT_VARIABLE] = str(opt)
    return {**base, **reach.variables(), **own, **added, **reserved}


def new_log_stream() -> str:
    """A log stream name as Lambda makes one per execution environment."""
    today = datetime.now(timezone.utc)
    return f"{today:%Y/%m/%d}/[$LATEST]{uuid.uuid4().hex}"


class WorkerProcess:
    """A warm worker for one FunctionSpec; one invocation at a time."""

    def __init__(self, spec: FunctionSpec, task_root: Path, endpoint: str,
                 launch: Launch, opt: Path | None = None) -> None:
        self.spec = spec
        self.log_stream = new_log_stream()
        self.invocations = 0
        self.notice = launch.warning  # said in the log of its first invocation
        self._killed = False
        self._proc = subprocess.Popen(
            launch.argv,
            cwd=task_root,
            env=worker_env(spec, endpoint, task_root, self.log_stream, dict(launch.env), opt),
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, process_group=0)

    @property
    def alive(self) -> bool:
        return self._proc.poll() is None

    def signalled(self) -> bool:
        """Whether the shepherd ended, or is ending, by a signal the server did not send.

        Its worker may answer before the kernel has ended it, so a pending SIGKILL and an
        exit under way count too (read in /proc/PID/stat where there is one)."""
        if self._killed:
            return False
        code = self._proc.poll()
        return code < 0 if code is not None else being_killed(self._proc.pid)

    def invoke(self, request: dict[str, Any], deadline: float) -> dict[str, Any] | None:
        """Send `request`; its reply, or None when `deadline` (monotonic) passes first."""
        data = json.dumps(request).encode()
        try:
            self._proc.stdin.write(_HEADER.pack(len(data)) + data)
            self._proc.stdin.flush()
        except OSError:
            raise ending(self._proc.wait(), self._killed) from None
        self.invocations += 1
        header = self._read(_HEADER.size, deadline)
        if header is None:
            return None
        body = self._read(_HEADER.unpack(header)[0], deadline)
        return None if body is None else json.loads(body)

    def _read(self, size: int, deadline: float) -> bytes | None:
        fd, chunks, got = self._proc.stdout.fileno(), [], 0
        while got < size:
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not select.select([fd], [], [], remaining)[0]:
                return None
            chunk = os.read(fd, size - got)
            if not chunk:
                raise ending(self._proc.wait(), self._killed)
            chunks.append(chunk)
            got += len(chunk)
        return b"".join(chunks)

    def kill(self) -> None:
        """End the worker now with every process it started (a timed-out or replaced
        worker): its process group; its PID namespace ends with it."""
        self._killed = True
        strays = descendants(self._proc.pid)  # without a PID namespace: those left the group
        try:  # the group outlives its leader while anything of the worker runs
            os.killpg(self._proc.pid, signal.SIGKILL)
        except OSError:
            pass
        for pid in strays:
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
        self._proc.wait()
        for stream in (self._proc.stdin, self._proc.stdout):
            try:
                stream.close()
            except OSError:
                pass
