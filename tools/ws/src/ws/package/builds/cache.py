"""The build cache under .ws/build: installed dependencies (a folder per key), their zips and
whole packages (a zip per key), each written whole or not at all, made once per key even when
threads or runs ask at the same time."""
from __future__ import annotations

import hashlib
import json
import os
import tempfile
import threading
from pathlib import Path
from typing import Any, Callable

from ws.package.builds.zips import zip_tree

BUILD_FORMAT = "1"  # bump when a layout or a builder changes: every cached build is made again
Make = Callable[[Path, Path], None]  # (out, scratch) -> fills out


def digest(data: Any) -> str:
    """The cache key of `data` (canonical JSON, with the build format)."""
    text = json.dumps([BUILD_FORMAT, data], sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()


class BuildCache:
    """Folders and zips by key under `root`."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._locks: dict[str, threading.Lock] = {}
        self._guard = threading.Lock()

    def lock(self, key: str) -> threading.Lock:
        """One lock per key: a second thread asking for the same build waits for the first."""
        with self._guard:
            return self._locks.setdefault(key, threading.Lock())

    def zip(self, key: str, make: Callable[[], bytes]) -> Zip:
        """The zip stored under `key`, made by `make` when missing, with its sha256 (kept
        beside it: a cached zip is read, never hashed again)."""
        target = self.root / "zips" / f"{key}.zip"
        known = target.with_suffix(".sha256")
        with self.lock(f"zip:{key}"):
            if target.is_file() and known.is_file():
                return Zip(target.read_bytes(), known.read_text().strip())
            data = make()
            made = Zip(data, hashlib.sha256(data).hexdigest())
            write_whole(target, data)
            write_whole(known, made.sha256.encode())  # last: present means the zip is whole
            return made

    def deps_zip(self, key: str, prefix: str, make: Make) -> bytes:
        """The dependencies of `key` zipped under `prefix` (node: their node_modules)."""
        def zipped() -> bytes:
            tree = self.deps_tree(key, make)
            modules = tree / "node_modules"
            return zip_tree(modules if modules.is_dir() else tree, prefix)
        return self.zip(digest(["deps", key, prefix]), zipped)

    def deps_tree(self, key: str, make: Make) -> Path:
        """The dependencies installed by `make`, once per key (also across runs)."""
        target = self.root / "deps" / key
        with self.lock(f"deps:{key}"):
            if target.is_dir():
                return target  # renamed into place whole: present means complete
            target.parent.mkdir(parents=True, exist_ok=True)
            with tempfile.TemporaryDirectory(dir=target.parent, prefix=".tmp-") as scratch:
                out, work = Path(scratch, "out"), Path(scratch, "work")
                out.mkdir()
                work.mkdir()
                make(out, work)
                try:
                    os.rename(out, target)
                except OSError:
                    if not target.is_dir():
                        raise  # else another run made it a moment ago: the same content
        return target

    def scratch(self) -> tempfile.TemporaryDirectory:
        """A scratch folder on the cache's disk, removed after use."""
        self.root.mkdir(parents=True, exist_ok=True)
        return tempfile.TemporaryDirectory(dir=self.root, prefix=".tmp-")


class Zip(bytes):
    """A zip's bytes and their sha256 (what the package's key is made of)."""

    sha256: str

    def __new__(cls, data: bytes, sha256: str) -> Zip:
        made = super().__new__(cls, data)
        made.sha256 = sha256
        return made


def write_whole(path: Path, data: bytes) -> None:
    """Write whole or not at all (renamed into place), safe with other threads and runs."""
    path.parent.mkdir(parents=True, exist_ok=True)
    scratch = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    scratch.write_bytes(data)
    scratch.replace(path)
