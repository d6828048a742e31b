"""A folder in ws's part of the user's cache, made once: in a scratch folder renamed into place
under a file lock beside it, so concurrent makers (threads, ws processes) never leave a
half-made folder: they wait, then reuse what the first one made."""
from __future__ import annotations

import fcntl
import os
import shutil
import tempfile
import time
from pathlib import Path
from typing import Callable


def user_cache(name: str) -> Path:
    """ws's folder `name` in the user's cache (XDG_CACHE_HOME honoured)."""
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "ws" / name


def made_once(target: Path, make: Callable[[Path], None]) -> float | None:
    """Make the folder `target` unless it is there (`make` fills the scratch folder it is
    given): the seconds making it took, None when another maker had made it. OSError when the
    cache cannot be written; what `make` raises leaves nothing behind."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(target.parent / f".{target.name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # one install per set; the others wait, then reuse
        if target.is_dir():
            return None
        started = time.monotonic()
        scratch = Path(tempfile.mkdtemp(dir=target.parent, prefix=".install-"))
        try:
            make(scratch)
            os.rename(scratch, target)
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
        return time.monotonic() - started


def unwritable(exc: OSError, cache: Path) -> str:
    """One line saying why the cache could not be written."""
    return f"{exc.strerror or exc}: {exc.filename or cache}"
