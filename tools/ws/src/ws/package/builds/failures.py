"""Failed builds remembered under .ws/build/failures by their inputs and toolchain: the same
build is not run again only to fail the same way. It runs again when its code, its manifest or
its build tool changes, or when a retry is asked (`ws deploy --retry-builds`)."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Callable

from ws.package.builds.cache import write_whole
from ws.package.builds.run import BuildError

RETRY_OPTION = "ws deploy --retry-builds"
NOT_RETRIED = (f"the same build failed before and was not run again (it runs when its code or "
               f"build tool changes; to retry now: {RETRY_OPTION})")


class RememberedFailure(BuildError):
    """A build's earlier failure, raised again without running the build."""


class Failures:
    """Failed builds by key, as files `<key>.json` under `root` (`retry`: forget them)."""

    def __init__(self, root: Path, retry: bool = False) -> None:
        self.root, self.retry = root, retry

    def run(self, key: str, make: Callable[[], bytes]) -> bytes:
        """`make()`, unless it failed before under `key` (that failure is raised again); a
        BuildError it raises is remembered under `key`."""
        path = self.root / f"{key}.json"
        known = None if self.retry else _read(path)
        if known is not None:
            raise known
        try:
            made = make()
        except BuildError as exc:
            write_whole(path, json.dumps({"message": exc.message, "hint": exc.hint}).encode())
            raise
        path.unlink(missing_ok=True)  # a retry that worked
        return made


def _read(path: Path) -> RememberedFailure | None:
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or not isinstance(data.get("message"), str):
        return None
    hint = data.get("hint")
    return RememberedFailure(data["message"], hint if isinstance(hint, str) else None)
