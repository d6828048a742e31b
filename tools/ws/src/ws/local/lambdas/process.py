"""One worker process seen from the server: start it, send an invocation, read the reply
before a deadline, kill it."""
from __future__ import annotations

import json
import os
import select
import struct
import subprocess
import sys
import time
import uuid
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from ws.local import urls
from ws.local.lambdas import worker
from ws.local.lambdas.spec import FunctionSpec
from ws.local.reach import environment as reach

WORKER_SCRIPT = Path(worker.__file__)
URLS_MODULE = Path(urls.__file__)
DUMMY_CREDENTIALS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                     "AWS_SESSION_TOKEN": "testing"}
_HEADER = struct.Struct(">I")


class WorkerDied(Exception):
    """The worker process ended (or broke the protocol) during an invocation."""


def worker_env(spec: FunctionSpec, endpoint: str, task_root: Path,
               log_stream: str) -> dict[str, str]:
    """The worker's environment: the function's variables and Lambda's reserved ones, with
    every AWS call pointed at the local endpoint. Nothing is inherited from the server
    but PATH and locale: real credentials must never reach a function."""
    base = {key: os.environ[key] for key in ("PATH", "LANG", "LC_ALL") if key in os.environ}
    reserved = {
        "AWS_ENDPOINT_URL": endpoint, "AWS_REGION": spec.region,
        "AWS_DEFAULT_REGION": spec.region, **DUMMY_CREDENTIALS,
        "AWS_LAMBDA_FUNCTION_NAME": spec.name, "AWS_LAMBDA_FUNCTION_VERSION": spec.version,
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(spec.memory),
        "AWS_LAMBDA_LOG_GROUP_NAME": spec.log_group, "AWS_LAMBDA_LOG_STREAM_NAME": log_stream,
        "AWS_EXECUTION_ENV": f"AWS_Lambda_{spec.runtime}", "_HANDLER": spec.handler,
        "LAMBDA_TASK_ROOT": str(task_root), "LAMBDA_RUNTIME_DIR": str(WORKER_SCRIPT.parent),
        "TZ": ":UTC", "PYTHONUNBUFFERED": "1", "PYTHONDONTWRITEBYTECODE": "1",
    }
    return {**base, **reach.variables(), **dict(spec.env), **reserved}


def new_log_stream() -> str:
    """A log stream name as Lambda makes one per execution environment."""
    today = datetime.now(timezone.utc)
    return f"{today:%Y/%m/%d}/[$LATEST]{uuid.uuid4().hex}"


class WorkerProcess:
    """A warm worker for one FunctionSpec; one invocation at a time."""

    def __init__(self, spec: FunctionSpec, task_root: Path, endpoint: str) -> None:
        self.spec = spec
        self.log_stream = new_log_stream()
        self.invocations = 0
        self._proc = subprocess.Popen(
            [sys.executable, str(WORKER_SCRIPT), "--endpoint", endpoint,
             "--urls", str(URLS_MODULE)],
            cwd=task_root, env=worker_env(spec, endpoint, task_root, self.log_stream),
            stdin=subprocess.PIPE, stdout=subprocess.PIPE)

    @property
    def alive(self) -> bool:
        return self._proc.poll() is None

    def invoke(self, request: dict[str, Any], deadline: float) -> dict[str, Any] | None:
        """Send `request`; its reply, or None when `deadline` (monotonic) passes first."""
        data = json.dumps(request).encode()
        try:
            self._proc.stdin.write(_HEADER.pack(len(data)) + data)
            self._proc.stdin.flush()
        except (BrokenPipeError, OSError) as exc:
            raise WorkerDied(f"worker gone: {exc}") from None
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
                raise WorkerDied(f"worker exited (code {self._proc.wait()})")
            chunks.append(chunk)
            got += len(chunk)
        return b"".join(chunks)

    def kill(self) -> None:
        """End the process now (a timed-out or replaced worker)."""
        if self.alive:
            self._proc.kill()
        self._proc.wait()
        for stream in (self._proc.stdin, self._proc.stdout):
            try:
                stream.close()
            except OSError:
                pass
