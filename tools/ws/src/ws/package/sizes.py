"""Lambda's size limit, checked from file sizes (stat, nothing read) before anything deploys."""
from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

from ws.config.cfnyaml import line_of_key
from ws.errors import ConfigError
from ws.package.files import files_of

# Lambda's quota: a function's code and all its layers, unzipped, at most 250 MB. (The 50 MB
# zipped quota is for a zip sent in the API call; ws always uploads to S3 and names the object.)
MAX_UNZIPPED = 250 * 1024 * 1024
FUNCTION_TYPES = ("AWS::Serverless::Function", "AWS::Lambda::Function")


def unzipped_size(path: Path) -> int:
    """Bytes once unzipped: a folder's files by stat, a .zip/.jar by its directory."""
    if path.is_dir():
        return sum(p.stat().st_size for p in files_of(path))
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            return sum(info.file_size for info in archive.infolist())
    return path.stat().st_size


def check_sizes(body: dict[str, Any], sizes: dict[str, int], display: str,
                source: Path | None = None) -> None:
    """Refuse a function whose code and layers of this template (`sizes`: logical id -> bytes
    unzipped) pass Lambda's limit; a layer alone too. The error names the function's line in
    `source` (the template file)."""
    globals_fn = (body.get("Globals") or {}).get("Function") or {}
    for logical_id, resource in sorted((body.get("Resources") or {}).items()):
        if not isinstance(resource, dict) or logical_id not in sizes and \
                resource.get("Type") not in FUNCTION_TYPES:
            continue
        props = resource.get("Properties") or {}
        layers = props.get("Layers", globals_fn.get("Layers") if resource.get("Type") ==
                           FUNCTION_TYPES[0] else None)
        parts = {logical_id: sizes.get(logical_id, 0)}
        parts.update({ref: sizes[ref] for ref in _refs(layers) if ref in sizes})
        total = sum(parts.values())
        if total > MAX_UNZIPPED:
            listed = " + ".join(f"{name} {_mb(size)}" for name, size in parts.items())
            raise ConfigError(f"{logical_id}: {_mb(total)} unzipped ({listed}): Lambda takes "
                              f"at most {_mb(MAX_UNZIPPED)} for a function's code and layers",
                              "leave large files out of the code folder (data belongs in S3)",
                              path=display, line=_line(source, logical_id))


def _line(source: Path | None, logical_id: str) -> int | None:
    try:
        return line_of_key(source.read_text(encoding="utf-8"), logical_id) if source else None
    except (OSError, UnicodeDecodeError):
        return None


def _refs(layers: Any) -> list[str]:
    items = layers if isinstance(layers, list) else []
    return [item["Ref"] for item in items if isinstance(item, dict)
            and isinstance(item.get("Ref"), str)]


def _mb(size: int) -> str:
    return f"{size / (1024 * 1024):,.1f} MB"
