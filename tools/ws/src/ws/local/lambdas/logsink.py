"""An invocation's output as Lambda writes it to CloudWatch Logs: START, the function's lines,
END and REPORT, in the function's log group and its worker's log stream."""
from __future__ import annotations

import time
from typing import Any

from moto.logs.exceptions import ResourceAlreadyExistsException


def invocation_lines(request_id: str, version: str, output: str, duration_ms: float,
                     timeout: int, memory: int, init_ms: float | None = None) -> list[str]:
    """The lines of one invocation, in Lambda's words."""
    report = (f"REPORT RequestId: {request_id}\tDuration: {duration_ms:.2f} ms\t"
              f"Billed Duration: {max(1, round(duration_ms))} ms\tMemory Size: {memory} MB\t"
              f"Max Memory Used: {memory} MB")
    if init_ms is not None:
        report += f"\tInit Duration: {init_ms:.2f} ms"
    return ([f"START RequestId: {request_id} Version: {version}"]
            + output.splitlines()
            + [f"END RequestId: {request_id}", report])


def write(logs_backend: Any, group: str, stream: str, lines: list[str]) -> None:
    """Append `lines` to the stream (group and stream made when missing)."""
    logs_backend.ensure_log_group(group)
    try:
        logs_backend.create_log_stream(group, stream)
    except ResourceAlreadyExistsException:
        pass
    now = int(time.time() * 1000)
    logs_backend.put_log_events(group, stream,
                                [{"timestamp": now, "message": line} for line in lines])
