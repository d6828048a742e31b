"""An import error of a function that names layers of another account, which the local
endpoint cannot fetch and runs it without: its message says so, since on Lambda those layers
may hold the module (a Powertools layer brings aws_xray_sdk, for one)."""
from __future__ import annotations

import json

IMPORT_ERROR = "Runtime.ImportModuleError"


def amended(payload: bytes, unheld: tuple[str, ...]) -> bytes:
    """`payload` with the hint added to an import error's message when `unheld` names
    layers; any other payload as it is."""
    if not unheld or IMPORT_ERROR.encode() not in payload:
        return payload
    try:
        error = json.loads(payload)
    except ValueError:
        return payload
    if not isinstance(error, dict) or error.get("errorType") != IMPORT_ERROR:
        return payload
    error["errorMessage"] = (
        f"{error.get('errorMessage', '')} (the local endpoint runs this function without "
        f"{', '.join(unheld)}: it cannot fetch another account's layers; to run it locally, "
        "list what it imports from them in its requirements.txt or package.json)")
    return json.dumps(error).encode()
