"""Upload the local files a template names (definitions, includes) and point it at them; on
the local endpoint, which fetches none of them, put their content in the template instead."""
from __future__ import annotations

import copy
import hashlib
import json
from pathlib import Path
from typing import Any, Callable

from ws.config.cfnyaml import decode
from ws.config.templates import MAX_TEMPLATE_BYTES
from ws.config.yamlfile import read_text
from ws.package.artifacts import BUCKET_KEY, INCLUDE, URI, LocalFile, relative, set_at

Upload = Callable[[str, bytes], None]
# What the local endpoint's CloudFormation (moto) reads inline instead of from S3:
# type -> (S3 property, inline property, as text).
_INLINE = {"AWS::ApiGateway::RestApi": ("BodyS3Location", "Body", False),
           "AWS::ApiGatewayV2::Api": ("BodyS3Location", "Body", False),
           "AWS::StepFunctions::StateMachine": ("DefinitionS3Location", "DefinitionString", True)}


def key_of(data: bytes, suffix: str) -> str:
    return f"artifacts/{hashlib.sha256(data).hexdigest()}{suffix.lower()}"


def package_files(body: dict[str, Any], files: list[LocalFile], bucket: str, upload: Upload,
                  inline_includes: bool, root: Path) -> dict[str, Any]:
    """A copy of `body` naming each file's uploaded object (uploaded by content hash); with
    `inline_includes`, each AWS::Include is replaced by the file's content, as CloudFormation
    would (the local endpoint has no transforms, and SAM must see what is included)."""
    result = copy.deepcopy(body)
    for item in sorted(files, key=lambda f: len(f.keys), reverse=True):  # inner ones first
        if item.form == INCLUDE and inline_includes:
            _inline_include(result, item, relative(item.path, root))
            continue
        data = item.path.read_bytes()
        key = key_of(data, item.path.suffix)
        upload(key, data)
        if item.form == INCLUDE:
            set_at(result, (*item.keys, "Fn::Transform", "Parameters", "Location"),
                   f"s3://{bucket}/{key}")
        elif item.form == BUCKET_KEY:
            set_at(result, item.keys, {"Bucket": bucket, "Key": key})
        elif item.form == URI:
            set_at(result, item.keys, f"s3://{bucket}/{key}")
    return result


def _inline_include(body: dict[str, Any], item: LocalFile, display: str) -> None:
    content = _plain(decode(read_text(item.path, display, MAX_TEMPLATE_BYTES), display))
    node = body
    for key in item.keys:
        node = node[key]
    rest = {k: v for k, v in node.items() if k != "Fn::Transform"}
    if rest and isinstance(content, dict):
        content = {**rest, **content}  # a snippet merged into the mapping that includes it
    if item.keys:
        set_at(body, item.keys, content)
    else:
        body.clear()
        body.update(content)


def inline_uploaded(body: dict[str, Any], bucket: str, uploads: dict[str, bytes]) -> None:
    """Put the content of ws's own uploads in the properties that would fetch them (in place):
    a RestApi's OpenAPI Body, a state machine's definition."""
    for resource in (body.get("Resources") or {}).values():
        found = _INLINE.get(resource.get("Type", "")) if isinstance(resource, dict) else None
        props = (resource.get("Properties") or {}) if found else {}
        location = props.get(found[0]) if found else None
        if not isinstance(location, dict) or location.get("Bucket") != bucket \
                or location.get("Key") not in uploads:
            continue
        content = _plain(decode(uploads[location["Key"]].decode("utf-8"), location["Key"]))
        props.pop(found[0])
        props[found[1]] = json.dumps(content) if found[2] else content
        substitutions = props.pop("DefinitionSubstitutions", None) if found[2] else None
        if isinstance(substitutions, dict):
            props[found[1]] = {"Fn::Sub": [props[found[1]], substitutions]}


def _plain(data: Any) -> Any:
    """Parsed YAML as plain JSON data (as templates are: ws.config.templates)."""
    return json.loads(json.dumps(data, default=str))
