"""`ws run --env E` on AWS: the cache shared through the environment's artifact bucket, under
run-cache/ (entries by hash, produced files by content). An entry fetched is checked as a local
one is before it is trusted; the bucket being unreachable never fails a target."""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from ws.tasks.cache import Entry, LocalCache

PREFIX = "run-cache/"


@dataclass(frozen=True)
class BucketStore:
    """Objects of one bucket, which must belong to `owner` (ExpectedBucketOwner on every call)."""

    s3: Any
    bucket: str
    owner: str

    def read(self, key: str) -> bytes | None:
        try:
            got = self.s3.get_object(Bucket=self.bucket, Key=PREFIX + key,
                                     ExpectedBucketOwner=self.owner)
        except self.s3.exceptions.NoSuchKey:
            return None
        return got["Body"].read()

    def write(self, key: str, data: bytes) -> None:
        self.s3.put_object(Bucket=self.bucket, Key=PREFIX + key, Body=data,
                           ExpectedBucketOwner=self.owner)

    def has(self, key: str) -> bool:
        return bool(self.s3.list_objects_v2(Bucket=self.bucket, Prefix=PREFIX + key, MaxKeys=1,
                                             ExpectedBucketOwner=self.owner).get("KeyCount"))


class SharedCache(LocalCache):
    """The local cache, backed by a bucket: a local miss is fetched from the bucket (into the
    local cache, then checked there); a success stored is uploaded too. `notes` collects what
    went wrong with the bucket (said once per run by the caller)."""

    def __init__(self, local: LocalCache, store: BucketStore) -> None:
        super().__init__(local.folder)
        self.store = store
        self.notes: list[str] = []

    def get(self, key: str) -> Entry | None:
        found = super().get(key)
        if found is not None or not self._fetch(key):
            return found
        return super().get(key)

    def put(self, entry: Entry, root: Any) -> None:
        super().put(entry, root)
        try:
            for sha in sorted(set(entry.files.values())):
                if not self.store.has(f"blobs/{sha}"):
                    self.store.write(f"blobs/{sha}", self.blob_path(sha).read_bytes())
            self.store.write(f"{entry.hash}.json", self.entry_path(entry.hash).read_bytes())
        except Exception as exc:  # noqa: BLE001 - the bucket is a help, never a failure
            self.notes.append(f"could not share {entry.hash[:12]} through the bucket: {exc}")

    def _fetch(self, key: str) -> bool:
        """Copy the entry and its files from the bucket into the local cache (where `get`
        checks them); False if the bucket has no such entry or cannot be read."""
        try:
            body = self.store.read(f"{key}.json")
            if body is None:
                return False
            for sha in _shas(body):
                if not self.blob_path(sha).is_file():
                    blob = self.store.read(f"blobs/{sha}")
                    if blob is not None:
                        self._write(self.blob_path(sha), blob)
        except Exception as exc:  # noqa: BLE001 - unreadable: the target runs
            self.notes.append(f"could not read {key[:12]} from the bucket: {exc}")
            return False
        self._write(self.entry_path(key), body)
        return True


def _shas(body: bytes) -> set[str]:
    """The content hashes an entry names (a damaged entry: none; `get` reports it)."""
    try:
        files = json.loads(body).get("files")
    except (ValueError, AttributeError):
        return set()
    if not isinstance(files, dict):
        return set()
    return {sha for sha in files.values() if isinstance(sha, str) and len(sha) == 64
            and not sha.strip("0123456789abcdef")}
