"""SAM translations remembered by content, with each function's code location left out of the
key: a handler edit changes only where the code is, so it is filled into the remembered
translation instead of translating again (which costs about a second, most of it importing
samtranslator)."""
from __future__ import annotations

import hashlib
import json
from importlib import metadata
from pathlib import Path
from typing import Any, Callable

from ws.package.sam import translate_sam
from ws.statefiles import replace_text

PLACEHOLDER = "ws-code-placeholder"  # the bucket the code of a function is said to be in
FORMAT = "1"


def translate(body: dict[str, Any], region: str, display: str, cache_dir: Path | None,
              sar_client: Callable[[], Any] | None = None) -> dict[str, Any]:
    """`translate_sam(body)`, from `cache_dir` when this template was translated before with
    other code locations (None: no cache)."""
    if cache_dir is None or sar_client is not None:
        return translate_sam(body, region, display, sar_client)
    shaped, code = with_placeholders(body)
    key = hashlib.sha256(json.dumps([FORMAT, _translator_version(), region, shaped],
                                    sort_keys=True, default=str).encode()).hexdigest()
    path = cache_dir / f"{key}.json"
    try:
        translated = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        translated = translate_sam(shaped, region, display)
        replace_text(path, json.dumps(translated))
    return filled(translated, code)


def with_placeholders(body: dict[str, Any]) -> tuple[dict[str, Any], dict[str, dict]]:
    """A copy of `body` whose functions' uploaded code ({Bucket, Key}) is a placeholder named
    after the function, and those locations. A function that publishes versions
    (AutoPublishAlias) keeps its location: SAM names the version after it."""
    shaped = json.loads(json.dumps(body))
    globals_fn = (shaped.get("Globals") or {}).get("Function") or {}
    if not isinstance(globals_fn, dict) or "AutoPublishAlias" in globals_fn:
        return shaped, {}
    code = {}
    for logical_id, spec in (shaped.get("Resources") or {}).items():
        props = spec.get("Properties") if isinstance(spec, dict) else None
        if spec.get("Type") != "AWS::Serverless::Function" or not isinstance(props, dict) \
                or "AutoPublishAlias" in props:
            continue
        uri = props.get("CodeUri")
        if isinstance(uri, dict) and set(uri) == {"Bucket", "Key"}:
            code[logical_id] = uri
            props["CodeUri"] = {"Bucket": PLACEHOLDER, "Key": logical_id}
    return shaped, code


def filled(translated: Any, code: dict[str, dict]) -> Any:
    """`translated` with each placeholder replaced by the function's real code location."""
    if isinstance(translated, list):
        return [filled(item, code) for item in translated]
    if not isinstance(translated, dict):
        return translated
    if translated.get("S3Bucket") == PLACEHOLDER and translated.get("S3Key") in code:
        real = code[translated["S3Key"]]
        return {**translated, "S3Bucket": real["Bucket"], "S3Key": real["Key"]}
    return {key: filled(value, code) for key, value in translated.items()}


def _translator_version() -> str:
    try:
        return metadata.version("aws-sam-translator")
    except metadata.PackageNotFoundError:
        return "unknown"
