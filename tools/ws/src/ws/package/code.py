"""Package a stack's local code folders as content-addressed zips and point the template at them."""
from __future__ import annotations

import copy
import hashlib
import io
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from ws.errors import ConfigError

CODE_PROPERTIES = {"AWS::Serverless::Function": "CodeUri",
                   "AWS::Serverless::LayerVersion": "ContentUri"}
_SKIP_DIRS = {"__pycache__", ".pytest_cache", ".git"}
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)


@dataclass(frozen=True)
class CodeFolder:
    """A resource whose code is a local folder."""

    logical_id: str
    prop: str
    path: Path
    runtime: str | None
    architecture: str = "x86_64"
    build_method: str | None = None  # Metadata.BuildMethod (esbuild, makefile, a runtime)
    layer: bool = False
    metadata: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)


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
            path = _local_path(uri, stack_dir, display, logical_id)
            found.append(_folder(logical_id, prop, path, resource, globals_fn))
    return found


def _folder(logical_id: str, prop: str, path: Path, resource: dict[str, Any],
            globals_fn: dict[str, Any]) -> CodeFolder:
    """What building this function or layer needs: runtime, architecture, build method."""
    props, metadata = resource.get("Properties") or {}, resource.get("Metadata")
    metadata = metadata if isinstance(metadata, dict) else {}
    method = metadata.get("BuildMethod")
    if prop == "ContentUri":  # a layer: built only with a BuildMethod, as sam does
        arches = props.get("CompatibleArchitectures") or []
        arch = metadata.get("BuildArchitecture") or (arches[0] if len(arches) == 1 else None)
        runtimes = props.get("CompatibleRuntimes") or [None]
        runtime = method if method not in (None, "makefile") else runtimes[0]
        return CodeFolder(logical_id, prop, path, runtime, str(arch or "x86_64"), method, True,
                          metadata)
    arches = props.get("Architectures", globals_fn.get("Architectures")) or ["x86_64"]
    return CodeFolder(logical_id, prop, path, props.get("Runtime", globals_fn.get("Runtime")),
                      str(arches[0]), method, False, metadata)


def _local_path(uri: str, stack_dir: Path, display: str, logical_id: str) -> Path:
    path = (stack_dir / uri).resolve()
    if not path.is_relative_to(stack_dir.resolve()):
        raise ConfigError(f"{logical_id}: code path {uri!r} is outside the stack folder",
                          path=display)
    if not path.is_dir():
        raise ConfigError(f"{logical_id}: code folder {uri!r} does not exist", path=display)
    return path


def files_of(folder: Path) -> list[Path]:
    """The files that make up a code folder, in a stable order, without caches."""
    return sorted(p for p in folder.rglob("*")
                  if p.is_file() and not _SKIP_DIRS.intersection(p.relative_to(folder).parts)
                  and p.suffix != ".pyc")


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
            build: Callable[[CodeFolder], Path | bytes] | None = None) -> dict[str, Any]:
    """A copy of `body` whose code properties name uploaded zips (key = content hash); `build`
    returns the folder to zip or the zip itself (a build keeps its zips cached)."""
    result = copy.deepcopy(body)
    for folder in folders:
        source = build(folder) if build else folder.path
        data = source if isinstance(source, bytes) else zip_folder(source)
        digest = getattr(data, "sha256", None) or hashlib.sha256(data).hexdigest()  # builds know
        key = f"code/{digest}.zip"
        upload(key, data)
        result["Resources"][folder.logical_id].setdefault("Properties", {})[folder.prop] = {
            "Bucket": bucket, "Key": key}
    globals_fn = (result.get("Globals") or {}).get("Function")
    if isinstance(globals_fn, dict):
        globals_fn.pop("CodeUri", None)
    return result
