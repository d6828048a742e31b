"""Package a stack's local code folders as content-addressed zips and point the template at them."""
from __future__ import annotations

import copy
import hashlib
import io
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from ws.errors import ConfigError
from ws.package.files import files_of  # noqa: F401 (others import it from here)

CODE_PROPERTIES = {"AWS::Serverless::Function": "CodeUri",
                   "AWS::Serverless::LayerVersion": "ContentUri"}
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)


@dataclass(frozen=True)
class CodeFolder:
    """A resource whose code is a local folder."""

    logical_id: str
    prop: str
    path: Path
    runtime: str | None


def code_folders(body: dict[str, Any], stack_dir: Path, display: str) -> list[CodeFolder]:
    """Every function/layer whose code is a path in the stack folder (Globals applied)."""
    globals_fn = (body.get("Globals") or {}).get("Function") or {}
    found = []
    for logical_id, resource in sorted(body["Resources"].items()):
        prop = CODE_PROPERTIES.get(resource.get("Type", ""))
        props = resource.get("Properties") or {}
        if not prop or "InlineCode" in props or "ImageUri" in props:
            continue
        uri = props.get(prop, globals_fn.get(prop) if prop == "CodeUri" else None)
        if isinstance(uri, str) and not uri.startswith("s3://"):
            runtime = props.get("Runtime", globals_fn.get("Runtime"))
            found.append(CodeFolder(logical_id, prop, _local_path(uri, stack_dir, display,
                                                                   logical_id), runtime))
    return found


def _local_path(uri: str, stack_dir: Path, display: str, logical_id: str) -> Path:
    path = (stack_dir / uri).resolve()
    if not path.is_relative_to(stack_dir.resolve()):
        raise ConfigError(f"{logical_id}: code path {uri!r} is outside the stack folder",
                          path=display)
    if not path.is_dir():
        raise ConfigError(f"{logical_id}: code folder {uri!r} does not exist", path=display)
    return path


def zip_folder(folder: Path) -> bytes:
    """A deterministic zip: same content, same bytes (fixed dates and modes, sorted names)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in files_of(folder):
            info = zipfile.ZipInfo(path.relative_to(folder).as_posix(), _ZIP_DATE)
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, path.read_bytes())
    return buffer.getvalue()


def package(body: dict[str, Any], folders: list[CodeFolder], bucket: str,
            upload: Callable[[str, bytes], None],
            build: Callable[[CodeFolder], Path] | None = None) -> dict[str, Any]:
    """A copy of `body` whose code properties name uploaded zips (key = content hash)."""
    result = copy.deepcopy(body)
    for folder in folders:
        source = build(folder) if build else folder.path
        data = zip_folder(source)
        key = f"code/{hashlib.sha256(data).hexdigest()}.zip"
        upload(key, data)
        result["Resources"][folder.logical_id].setdefault("Properties", {})[folder.prop] = {
            "Bucket": bucket, "Key": key}
    globals_fn = (result.get("Globals") or {}).get("Function")
    if isinstance(globals_fn, dict):
        globals_fn.pop("CodeUri", None)
    return result
