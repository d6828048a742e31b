"""Content hashes remembered by file status (size, mtime, inode), as git's index does: a file
the cache checks again, unchanged, is not read again. A file changed in the last seconds is
never remembered (its next change could keep the same mtime)."""
from __future__ import annotations

import hashlib
import json
import os
import threading
import time
from pathlib import Path

SETTLED = 2.0  # seconds since its last change before a file's hash is remembered


class HashMemo:
    """sha256 of files, remembered in `path` (JSON) between runs; damaged or missing: empty."""

    def __init__(self, path: Path, clock=time.time) -> None:
        self.path = path
        self.clock = clock
        self._lock = threading.Lock()
        self._changed = False
        try:
            known = json.loads(path.read_text(encoding="utf-8"))
            self._known = known if isinstance(known, dict) else {}
        except (OSError, ValueError):
            self._known = {}

    def sha(self, path: Path) -> str:
        """The file's sha256: remembered when its status has not moved, else read."""
        status = path.stat()
        key = str(path)
        mark = [status.st_size, status.st_mtime_ns, status.st_ino]
        with self._lock:
            seen = self._known.get(key)
        if isinstance(seen, list) and seen[:3] == mark and isinstance(seen[3], str):
            return seen[3]
        sha = hashlib.sha256(path.read_bytes()).hexdigest()
        if status.st_mtime_ns / 1e9 < self.clock() - SETTLED:
            with self._lock:
                self._known[key] = [*mark, sha]
                self._changed = True
        return sha

    def save(self) -> None:
        """Write what was learnt (whole, through a scratch file); a failure is no matter."""
        with self._lock:
            if not self._changed:
                return
            data = json.dumps(self._known).encode()
            self._changed = False
        scratch = self.path.with_name(f"{self.path.name}.{os.getpid()}.tmp")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            scratch.write_bytes(data)
            scratch.replace(self.path)
        except OSError:
            pass
