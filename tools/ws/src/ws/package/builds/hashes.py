"""Content hashes of files, remembered by (size, mtime_ns) so an unchanged file is read once."""
from __future__ import annotations

import hashlib
import json
import threading
import time
from pathlib import Path

from ws.package.code import files_of
from ws.statefiles import replace_text

_RACY_NS = 2_000_000_000  # a file written this recently could change within its mtime's tick


class FileHashes:
    """sha256 of files, memoised by their stat under `memo` (a JSON file, saved by `save`)."""

    def __init__(self, memo: Path | None = None) -> None:
        self.memo = memo
        self._lock = threading.Lock()
        self._known: dict[str, list] = self._load()
        self._dirty = False

    def _load(self) -> dict[str, list]:
        try:
            data = json.loads(self.memo.read_text()) if self.memo else {}
        except (OSError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}

    def file(self, path: Path) -> str:
        """The sha256 of `path`, read again only if its size or mtime changed."""
        stat = path.stat()
        key, seen = str(path), [stat.st_size, stat.st_mtime_ns]
        with self._lock:
            known = self._known.get(key)
        if isinstance(known, list) and known[:2] == seen and len(known) == 3:
            return known[2]
        value = hashlib.sha256(path.read_bytes()).hexdigest()
        if time.time_ns() - stat.st_mtime_ns > _RACY_NS:  # else it may change again unseen
            with self._lock:
                self._known[key] = [*seen, value]
                self._dirty = True
        return value

    def tree(self, folder: Path, skip: frozenset[str] = frozenset()) -> str:
        """Content of a file or folder by relative path (`skip`: top-level names left out)."""
        if folder.is_file():
            return self.file(folder)
        digest = hashlib.sha256()
        for path in files_of(folder):
            rel = path.relative_to(folder)
            if rel.parts[0] in skip:
                continue
            digest.update(rel.as_posix().encode() + b"\0" + self.file(path).encode())
        return digest.hexdigest()

    def save(self) -> None:
        """Write the memo if anything new was hashed (only files that still exist)."""
        with self._lock:
            if not (self.memo and self._dirty):
                return
            kept = {k: v for k, v in self._known.items() if Path(k).exists()}
            self._dirty = False
        replace_text(self.memo, json.dumps(kept, separators=(",", ":")))
