"""What a stack's assets publish, as pure data: the files with their hashes, content types and
cache headers, the generated config file, and what a sync must upload, delete and invalidate."""
from __future__ import annotations

import hashlib
import json
import mimetypes
import re
from dataclasses import dataclass
from pathlib import Path

from ws.errors import ConfigError
from ws.package.code import files_of

OLD_INDEX_KEY = ".ws-assets.json"  # where ws kept its index before (under the prefix, public)
IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"  # may be cached, but asked again each time (ETag)
# A content hash in the file name (app.3f2a9c1b.js, logo-5d41402abc4b2a76.png): never changes.
_HASHED = re.compile(r"[.-][0-9a-fA-F]{8,}\.[A-Za-z0-9]+$")
_TYPES = {".js": "text/javascript", ".mjs": "text/javascript", ".css": "text/css",
          ".html": "text/html", ".htm": "text/html", ".json": "application/json",
          ".map": "application/json", ".webmanifest": "application/manifest+json",
          ".svg": "image/svg+xml", ".png": "image/png", ".jpg": "image/jpeg",
          ".jpeg": "image/jpeg", ".gif": "image/gif", ".webp": "image/webp",
          ".avif": "image/avif", ".ico": "image/x-icon", ".txt": "text/plain",
          ".xml": "application/xml", ".woff": "font/woff", ".woff2": "font/woff2",
          ".wasm": "application/wasm", ".pdf": "application/pdf"}
_TEXT = ("text/", "application/json", "application/manifest+json", "application/xml",
         "image/svg+xml")


@dataclass(frozen=True)
class Asset:
    """One object to publish: its key (prefix included), content and headers."""

    key: str
    data: bytes
    content_type: str
    cache_control: str

    @property
    def digest(self) -> str:
        """What decides whether the object must be uploaded again: content and headers."""
        head = f"{self.content_type}\n{self.cache_control}\n".encode()
        return hashlib.sha256(head + self.data).hexdigest()


@dataclass(frozen=True)
class SyncPlan:
    """What a sync does: objects to upload, keys to delete, paths to invalidate."""

    upload: tuple[Asset, ...]
    delete: tuple[str, ...]
    unchanged: int

    def changed_keys(self) -> list[str]:
        return sorted([a.key for a in self.upload] + list(self.delete))


def content_type(name: str) -> str:
    """The Content-Type of a file name (text types in UTF-8); module scripts need text/javascript."""
    suffix = Path(name).suffix.lower()
    kind = _TYPES.get(suffix) or mimetypes.guess_type(name)[0] or "application/octet-stream"
    return f"{kind}; charset=utf-8" if kind.startswith(_TEXT) else kind


def cache_control(name: str) -> str:
    """Long and immutable for content-hashed names; revalidated for the rest (index.html,
    the config file and every unhashed name can change under the same name)."""
    return IMMUTABLE if _HASHED.search(Path(name).name) else REVALIDATE


def site_files(folder: Path, prefix: str = "") -> list[Asset]:
    """The files of `folder` as assets under `prefix` (hidden files left out), sorted."""
    found = []
    for path in files_of(folder):
        rel = path.relative_to(folder).as_posix()
        if any(part.startswith(".") for part in rel.split("/")):
            continue
        if not path.resolve().is_relative_to(folder.resolve()):
            raise ConfigError(f"{rel} in the assets folder leads outside it (a symlink)",
                              "publish only files inside the folder", path=str(folder))
        found.append(Asset(prefix + rel, path.read_bytes(), content_type(rel), cache_control(rel)))
    return found


def config_asset(name: str, values: dict[str, str], prefix: str = "") -> Asset:
    """The generated config file (JSON, keys in declaration order); never cached."""
    data = (json.dumps(values, indent=2) + "\n").encode()
    return Asset(prefix + name, data, content_type(name), REVALIDATE)


def desired(files: list[Asset], config: Asset | None) -> dict[str, Asset]:
    """Key -> asset; the generated config file wins over a file of the same name."""
    wanted = {a.key: a for a in files}
    if config is not None:
        wanted[config.key] = config
    return wanted


def plan_sync(wanted: dict[str, Asset], published: dict[str, str], present: set[str],
              index_key: str) -> SyncPlan:
    """Upload what is new or different from ws's record (`published`: key -> digest) or
    missing from the bucket (`present`); delete what ws published before and is gone now.
    Objects ws never published are left alone (`index_key`, an old index, is deleted apart)."""
    upload = tuple(a for key, a in sorted(wanted.items())
                   if published.get(key) != a.digest or key not in present)
    delete = tuple(sorted(key for key in published
                          if key not in wanted and key in present and key != index_key))
    return SyncPlan(upload, delete, len(wanted) - len(upload))


def index_data(wanted: dict[str, Asset]) -> bytes:
    """ws's record of a sync (key -> digest), kept in ws's own bucket (cloud.publish)."""
    return json.dumps({k: a.digest for k, a in sorted(wanted.items())}, indent=1).encode()


def read_index(data: bytes | None) -> dict[str, str]:
    """The record read back (anything unreadable counts as nothing published)."""
    try:
        found = json.loads(data) if data else {}
    except ValueError:
        return {}
    return {str(k): str(v) for k, v in found.items()} if isinstance(found, dict) else {}


def invalidation_paths(keys: list[str], prefix: str, limit: int = 15) -> list[str]:
    """CloudFront paths for changed keys: each one (and its folder for an index.html), or
    `/*` when there are many (one wildcard costs what one path does)."""
    paths = set()
    for key in keys:
        paths.add("/" + key)
        if key.endswith("index.html"):
            paths.add("/" + key[: -len("index.html")])
    if len(paths) > limit:
        return [f"/{prefix}*"]
    return sorted(paths)
