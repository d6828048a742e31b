"""CDK v1's legacy synthesizer passes each asset through three template parameters (bucket,
"prefix||key", hash): ws gives them Defaults naming the asset, which publishing points at its
own bucket, so they need no value in stack.yaml."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from ws.cdk.assets import FileAsset
from ws.errors import ConfigError

ASSET_METADATA = "aws:cdk:asset"
BUCKET = "ws-cdk-legacy-asset-bucket"  # replaced by the artifact bucket when publishing


def legacy_assets(folder: Path, artifact: dict[str, Any], body: dict[str, Any],
                  display: str) -> tuple[dict[str, Any], list[FileAsset]]:
    """The template with its asset parameters defaulted, and those assets."""
    entries = [entry["data"] for found in (artifact.get("metadata") or {}).values()
               for entry in found if entry.get("type") == ASSET_METADATA]
    if not entries:
        return body, []
    params = dict(body.get("Parameters") or {})
    assets = []
    for data in entries:
        packaging = data.get("packaging")
        if packaging not in ("zip", "file"):
            raise ConfigError("the CDK app builds Docker image assets, which need Docker: ws "
                              "deploys file assets only", "use Code.fromAsset with a folder",
                              path=display)
        suffix = ".zip" if packaging == "zip" else Path(data["path"]).suffix
        key = f"||{data['sourceHash']}{suffix}"
        for name, value in ((data["s3BucketParameter"], BUCKET), (data["s3KeyParameter"], key),
                            (data["artifactHashParameter"], data["sourceHash"])):
            params[name] = {**params.get(name, {"Type": "String"}), "Default": value}
        assets.append(FileAsset(folder / data["path"], data["sourceHash"], packaging,
                                (BUCKET,), (key,)))
    return {**body, "Parameters": params}, assets
