"""The local cache of `ws run`: a target's result (exit code, output, produced files) under
its hash in .ws/cache/run/, each entry and file written whole; a damaged entry is never
trusted."""
from __future__ import annotations

import json
import os
import threading
from dataclasses import dataclass
from pathlib import Path

from ws.tasks.hashing import digest
from ws.tasks.hashmemo import HashMemo

ENTRY_FORMAT = 1


@dataclass(frozen=True)
class Entry:
    """A cached success: what the target printed, how long it took, the files it made."""

    hash: str
    output: str
    seconds: float
    files: dict[str, str]  # path relative to the workspace -> sha256 of its content


class Corrupt(Exception):
    """A cache entry that cannot be trusted; the message says why."""


def _write_whole(path: Path, data: bytes) -> None:
    """Into a scratch file of this process and thread, then renamed over `path`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    scratch = path.with_name(f"{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    scratch.write_bytes(data)
    scratch.replace(path)


class LocalCache:
    """Entries in `folder` (<hash>.json) and the files they restore (blobs/<sha256>)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.memo = HashMemo(folder / "hashes.memo")  # files checked again are not read again

    def entry_path(self, key: str) -> Path:
        return self.folder / f"{key}.json"

    def blob_path(self, sha: str) -> Path:
        return self.folder / "blobs" / sha

    @staticmethod
    def _write(path: Path, data: bytes) -> None:
        _write_whole(path, data)

    def get(self, key: str) -> Entry | None:
        """The entry stored under `key`, None if there is none; Corrupt if it is damaged
        (bad JSON, a wrong check digest, a missing or altered file)."""
        try:
            text = self.entry_path(key).read_text(encoding="utf-8")
        except FileNotFoundError:
            return None
        entry = _parse(text, key)
        for rel, sha in entry.files.items():
            blob = self.blob_path(sha)
            if not blob.is_file():
                raise Corrupt(f"the stored copy of {rel} is missing")
            if self.memo.sha(blob) != sha:
                raise Corrupt(f"the stored copy of {rel} does not match its digest")
        return entry

    def put(self, entry: Entry, root: Path) -> None:
        """Store the produced files first, then the entry that names them."""
        for rel, sha in entry.files.items():
            blob = self.blob_path(sha)
            if not blob.is_file() or self.memo.sha(blob) != sha:  # (a damaged copy is replaced)
                _write_whole(blob, (root / rel).read_bytes())
        body = {"format": ENTRY_FORMAT, "hash": entry.hash, "output": entry.output,
                "seconds": entry.seconds, "files": entry.files}
        body["check"] = digest(body)
        _write_whole(self.entry_path(entry.hash), json.dumps(body, sort_keys=True).encode())

    def restore(self, entry: Entry, root: Path) -> None:
        """Write the entry's produced files back where the target made them."""
        for rel, sha in entry.files.items():
            target = root / rel
            if not target.parent.resolve().is_relative_to(root.resolve()):
                raise Corrupt(f"{rel} would be written outside the workspace (a link)")
            if target.is_file() and self.memo.sha(target) == sha:
                continue
            _write_whole(target, self.blob_path(sha).read_bytes())


def _parse(text: str, key: str) -> Entry:
    try:
        body = json.loads(text)
    except ValueError as exc:
        raise Corrupt(f"not JSON ({exc})") from None
    if not isinstance(body, dict):
        raise Corrupt("not a cache entry")
    check = body.pop("check", None)
    if check != digest(body):
        raise Corrupt("its check digest does not match its content")
    files = body.get("files")
    if body.get("format") != ENTRY_FORMAT or body.get("hash") != key \
            or not isinstance(body.get("output"), str) or not isinstance(files, dict) \
            or not isinstance(body.get("seconds"), (int, float)):
        raise Corrupt("not a cache entry of this ws")
    for rel, sha in files.items():
        if not isinstance(sha, str) or len(sha) != 64 or sha.strip("0123456789abcdef") \
                or Path(rel).is_absolute() \
                or ".." in Path(rel).parts:
            raise Corrupt(f"it names a file it may not restore: {rel!r}")
    return Entry(key, body["output"], float(body["seconds"]), dict(files))
