"""Placeholder code for a function that could not be built for the local endpoint (its build
tool is missing, or its build failed, and its runtime does not run locally anyway): a zip that
says why, read back when the function is invoked. Standard library only: the endpoint reads it."""
from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

MARKER = ".ws-placeholder.json"  # at the zip's root; no project names a file so
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)


def placeholder_zip(runtime: str, reason: str) -> bytes:
    """The deterministic zip deployed instead of the function's code."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        info = zipfile.ZipInfo(MARKER, _ZIP_DATE)
        info.external_attr = 0o644 << 16
        archive.writestr(info, json.dumps({"runtime": runtime, "reason": reason},
                                          sort_keys=True))
    return buffer.getvalue()


def invoke_error(task_root: Path, runtime: str) -> str | None:
    """What invoking a placeholder answers (None: the folder is the function's real code)."""
    try:
        data = json.loads((task_root / MARKER).read_text())
    except (OSError, ValueError):
        return None
    reason = data.get("reason") if isinstance(data, dict) else None
    return (f"{runtime} does not run locally: {reason or 'it was not built'} (ws deployed "
            "placeholder code; deploy to AWS to run it)")
