"""Invoke a local function's worker process once, with no endpoint behind it (its AWS calls go
nowhere): what a test of the worker's runtime needs."""
from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from ws.local.lambdas.launch import Launcher
from ws.local.lambdas.process import WorkerProcess
from ws.local.lambdas.spec import FunctionSpec

NOWHERE = "http://127.0.0.1:1"


def invoke_once(spec: FunctionSpec, task_root: Path, event: str) -> dict[str, Any] | None:
    """The worker's reply (ok, payload) to `event` (JSON text) for `spec`, its code in
    `task_root`; the worker is killed after (None: no reply within 10 s)."""
    process = WorkerProcess(spec, task_root, NOWHERE, Launcher(NOWHERE).launch(spec, task_root))
    request = {"request_id": "r-1", "event": event, "handler": spec.handler,
               "deadline_ms": time.time() * 1000 + 5000, "function_name": spec.name,
               "version": spec.version, "arn": "arn", "memory": spec.memory,
               "log_group": "g", "log_stream": "s"}
    try:
        return process.invoke(request, time.monotonic() + 10)
    finally:
        process.kill()
