"""A CDK stack's file assets: read from its asset manifest, published to ws's artifact bucket by
content hash, and the template's references to CDK's bootstrap bucket pointed there."""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Callable

from ws.errors import ConfigError


@dataclass(frozen=True)
class FileAsset:
    """A file or folder the template refers to by CDK's bucket and key names."""

    source: Path
    source_hash: str  # CDK's hash of the source (the asset's id)
    packaging: str  # "zip" (a folder, or a zip file) or "file"
    buckets: tuple[str, ...]  # as written in the template (may hold ${AWS::AccountId} ...)
    keys: tuple[str, ...]


def file_assets(manifest: Path, own_template: Path, display: str) -> list[FileAsset]:
    """The file assets of an asset manifest, but the stack's own template; images refused."""
    data = json.loads(manifest.read_text())
    if data.get("dockerImages"):
        raise ConfigError("the CDK app builds Docker image assets, which need Docker: ws "
                          "deploys file assets only", "use Code.fromAsset with a folder",
                          path=display)
    found = []
    for asset_id, asset in (data.get("files") or {}).items():
        source = manifest.parent / asset["source"]["path"]
        if source == own_template or "path" not in asset["source"]:
            continue
        dests = list((asset.get("destinations") or {}).values())
        found.append(FileAsset(source, asset_id, asset["source"].get("packaging", "file"),
                               tuple(sorted({d["bucketName"] for d in dests})),
                               tuple(sorted({d["objectKey"] for d in dests}))))
    return found


def with_stable_keys(body: dict[str, Any], assets: list[FileAsset]
                     ) -> tuple[dict[str, Any], tuple[FileAsset, ...]]:
    """The template with each asset's key (its content hash) replaced by a name of its place,
    `cdk-asset-1.zip`: a handler edit leaves the template as it was (the template check is
    not run again), the asset's hash being a part of the fingerprint of its own."""
    names: dict[str, str] = {}
    stable = []
    for number, asset in enumerate(assets, start=1):
        key = f"cdk-asset-{number}{_suffix(asset)}"
        names.update({k: _legacy(k) + key for k in asset.keys})
        stable.append(replace(asset, keys=tuple(_legacy(k) + key for k in asset.keys)))
    return _rewrite(body, names), tuple(stable)


def _suffix(asset: FileAsset) -> str:
    return ".zip" if asset.packaging == "zip" else Path(asset.source).suffix


def publish(body: dict[str, Any], assets: tuple[FileAsset, ...], bucket: str,
            upload: Callable[[str, bytes], None],
            zip_folder: Callable[[Path], bytes]) -> dict[str, Any]:
    """A copy of `body` whose asset references name `bucket` and content-hashed keys; each
    asset's bytes go to `upload` (which the caller runs only if the stack deploys)."""
    names: dict[str, str] = {}
    for asset in assets:
        data = zip_folder(asset.source) if asset.packaging == "zip" and asset.source.is_dir() \
            else asset.source.read_bytes()
        key = f"cdk/{hashlib.sha256(data).hexdigest()}{_suffix(asset)}"
        upload(key, data)
        names.update({b: bucket for b in asset.buckets})
        names.update({k: _legacy(k) + key for k in asset.keys})
    return _rewrite(body, names) if names else body


def _legacy(key: str) -> str:
    """CDK v1's legacy asset parameters take "prefix||key": keep the separator."""
    return "||" if key.startswith("||") else ""


def _rewrite(node: Any, names: dict[str, str]) -> Any:
    """Strings equal to a bucket or key name are replaced; `Fn::Sub` of a bucket name becomes
    the literal name; inside other `Fn::Sub` strings (ARNs of the bucket) the name is replaced."""
    if isinstance(node, str):
        return names.get(node, node)
    if isinstance(node, list):
        return [_rewrite(item, names) for item in node]
    if not isinstance(node, dict):
        return node
    if len(node) == 1 and isinstance(node.get("Fn::Sub"), str):
        text = node["Fn::Sub"]
        if text in names:
            return names[text]
        for old, new in names.items():
            text = text.replace(old, new)
        return {"Fn::Sub": text}
    return {key: _rewrite(value, names) for key, value in node.items()}
