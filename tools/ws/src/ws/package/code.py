"""Package a stack's local code (folders, .zip and .jar files) as content-addressed zips and
point the template at them."""
from __future__ import annotations

import copy
import hashlib
import io
import zipfile
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Callable

from ws.errors import ConfigError
from ws.package.artifacts import line_of_value
from ws.package.files import files_of
from ws.package.sizes import check_sizes, unzipped_size

CODE_PROPERTIES = {"AWS::Serverless::Function": "CodeUri",
                   "AWS::Serverless::LayerVersion": "ContentUri",
                   "AWS::Lambda::Function": "Code", "AWS::Lambda::LayerVersion": "Content"}
_S3_NAMES = {"Code": ("S3Bucket", "S3Key"), "Content": ("S3Bucket", "S3Key")}
_AS_IS = (".zip", ".jar")  # a local archive is uploaded as it is, as sam does
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)


@dataclass(frozen=True)
class CodeFolder:
    """A resource whose code is a local folder (or a .zip/.jar file)."""

    logical_id: str
    prop: str
    path: Path
    runtime: str | None
    architecture: str = "x86_64"
    build_method: str | None = None  # Metadata.BuildMethod (esbuild, makefile, a runtime)
    layer: bool = False
    metadata: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)
    stack_dir: Path | None = field(default=None, compare=False, hash=False)  # template's folder


def code_folders(body: dict[str, Any], stack_dir: Path, display: str,
                 root: Path | None = None, source: Path | None = None,
                 home: Path | None = None) -> list[CodeFolder]:
    """Every function/layer whose code is a local path (Globals applied), checked to exist
    inside `root` (the workspace; the stack folder by default); an error names the line of
    `source` (the template file) that writes the path. `home`: the stack's folder when the
    template is in another (build/): where a requirements file's paths are also read."""
    globals_fn = (body.get("Globals") or {}).get("Function") or {}
    found = []
    for logical_id, resource in sorted(body["Resources"].items()):
        prop = CODE_PROPERTIES.get(resource.get("Type", ""))
        props = resource.get("Properties") or {}
        if not prop or "InlineCode" in props or "ImageUri" in props:
            continue
        uri = props.get(prop, globals_fn.get(prop) if prop == "CodeUri" else None)
        if uri is None and prop == "CodeUri" and _zip_package(props, globals_fn):
            uri = "."  # as sam build and sam package: no CodeUri is the template's folder
        if isinstance(uri, str) and not uri.startswith("s3://"):
            try:
                path = _local_path(uri, stack_dir, display, logical_id, root or stack_dir,
                                   one_file=prop in ("CodeUri", "Code"))
            except ConfigError as exc:
                if source is None:
                    raise
                raise ConfigError(exc.message.removeprefix(f"{display}: "), exc.hint,
                                  path=display, line=line_of_value(source, uri)) from None
            found.append(replace(_folder(logical_id, prop, path, resource, globals_fn),
                                 stack_dir=home or stack_dir))
    return found


def _zip_package(props: dict[str, Any], globals_fn: dict[str, Any]) -> bool:
    """A function whose code is a zip of local files (not inline, not an image)."""
    return "InlineCode" not in globals_fn and "ImageUri" not in globals_fn and \
        props.get("PackageType", globals_fn.get("PackageType", "Zip")) == "Zip"


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


def _local_path(uri: str, stack_dir: Path, display: str, logical_id: str, root: Path,
                one_file: bool = False) -> Path:
    """The code's path, checked; `one_file`: a function's code may be a single source file,
    zipped alone (as sam package does)."""
    path = (stack_dir / uri).resolve()
    if not path.is_relative_to(root.resolve()):
        where = "stack" if root == stack_dir else "workspace"
        raise ConfigError(f"{logical_id}: code path {uri!r} is outside the {where} folder",
                          path=display)
    if path.is_dir():
        return path
    if path.suffix.lower() in _AS_IS and path.is_file():
        return path
    if path.is_file() and one_file:
        return path
    if path.is_file():
        raise ConfigError(f"{logical_id}: code {uri!r} is a file, not a folder or a "
                          ".zip/.jar", "name the folder that holds it", path=display)
    what = "file" if Path(uri).suffix.lower() in _AS_IS else "folder"
    raise ConfigError(f"{logical_id}: code {what} {uri!r} does not exist",
                      _other_case(path, stack_dir.resolve()), path=display)


def _other_case(path: Path, base: Path) -> str | None:
    """A hint when `path` exists under another case (written on a case-insensitive disk)."""
    found = base
    for part in path.relative_to(base).parts if path.is_relative_to(base) else ():
        if (found / part).exists():
            found = found / part
            continue
        same = [p for p in found.iterdir() if p.name.lower() == part.lower()] \
            if found.is_dir() else []
        if len(same) != 1:
            return None
        found = same[0]
    if found == base or not found.exists():
        return None
    return (f"the {'folder' if found.is_dir() else 'file'} is {found.relative_to(base)}: names "
            "are case-sensitive here (and on Lambda); write it as it is on disk")


def _zip_one(path: Path) -> bytes:
    """A deterministic zip of one source file, at the zip's root."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        info = zipfile.ZipInfo(path.name, _ZIP_DATE)
        info.external_attr = 0o644 << 16
        info.compress_type = zipfile.ZIP_DEFLATED
        archive.writestr(info, path.read_bytes())
    return buffer.getvalue()


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


def _unzipped(source: Path | bytes) -> int:
    """Bytes once unzipped: a built zip by its directory, a path as sizes.py measures it."""
    if isinstance(source, bytes):
        with zipfile.ZipFile(io.BytesIO(source)) as archive:
            return sum(info.file_size for info in archive.infolist())
    return unzipped_size(source)


def package(body: dict[str, Any], folders: list[CodeFolder], bucket: str,
            upload: Callable[[str, bytes], None],
            build: Callable[[CodeFolder], Path | bytes] | None = None,
            display: str = "template") -> dict[str, Any]:
    """A copy of `body` whose code properties name uploaded zips (key = content hash); `build`
    returns the folder to zip or the zip itself (a build keeps its zips cached). Sizes are
    checked (by stat, or a zip's directory) before anything is zipped."""
    result = copy.deepcopy(body)
    sources = {f.logical_id: build(f) if build and f.path.is_dir() else f.path for f in folders}
    check_sizes(body, {name: _unzipped(source) for name, source in sources.items()}, display)
    for folder in folders:
        source = sources[folder.logical_id]
        if isinstance(source, bytes):  # a build's zip, its digest known to the build
            data, suffix = source, ".zip"
            digest = getattr(data, "sha256", None) or hashlib.sha256(data).hexdigest()
        else:
            as_is = source.is_file() and source.suffix.lower() in _AS_IS
            data = source.read_bytes() if as_is else zip_folder(source) if source.is_dir() \
                else _zip_one(source)
            suffix = source.suffix.lower() if as_is else ".zip"
            digest = hashlib.sha256(data).hexdigest()
        key = f"code/{digest}{suffix}"
        upload(key, data)
        names = _S3_NAMES.get(folder.prop, ("Bucket", "Key"))
        result["Resources"][folder.logical_id].setdefault("Properties", {})[folder.prop] = {
            names[0]: bucket, names[1]: key}
    globals_fn = (result.get("Globals") or {}).get("Function")
    if isinstance(globals_fn, dict):
        globals_fn.pop("CodeUri", None)
    return result
