"""An S3 origin as CloudFront reaches it: through the origin access control, the bucket
policy must grant the distribution s3:GetObject (and s3:ListBucket for 404 instead of 403)."""
from __future__ import annotations

import fnmatch
import json
from dataclasses import dataclass
from typing import Any

from moto.s3.models import s3_backends

from ws.local.cdn.distribution import Origin

CLOUDFRONT = "cloudfront.amazonaws.com"
# ws's own files, never served even where an old ws left them in a site bucket (ws now keeps
# its asset index in its artifact bucket: ws.package.assets.OLD_INDEX_KEY, moved on publish).
WS_OWN = (".ws-assets.json",)


@dataclass(frozen=True)
class Found:
    """An object's body and the headers S3 answers with."""

    body: bytes
    headers: tuple[tuple[str, str], ...]
    etag: str


class Refused(Exception):
    """S3 refuses the request: 403 AccessDenied, or 404 NoSuchKey when listing is allowed."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code = status, code


def bucket_name(origin: Origin) -> str:
    """`site.s3.us-east-1.amazonaws.com` -> `site`."""
    return origin.domain.split(".s3", 1)[0]


def get_object(origin: Origin, distribution_arn: str, key: str) -> Found:
    """The object at `key`, as the distribution may read it; Refused otherwise."""
    bucket = _bucket(bucket_name(origin))
    if bucket is None:
        raise Refused(404, "NoSuchBucket", "The specified bucket does not exist")
    policy = _policy(bucket)
    principal = distribution_arn if origin.access_control else None
    if not allows(policy, "s3:GetObject", f"arn:aws:s3:::{bucket.name}/{key}", principal):
        raise Refused(403, "AccessDenied", "Access Denied")
    item = bucket.keys.get(key) if key and key.rsplit("/", 1)[-1] not in WS_OWN else None
    if item is None:
        if allows(policy, "s3:ListBucket", f"arn:aws:s3:::{bucket.name}", principal):
            raise Refused(404, "NoSuchKey", "The specified key does not exist.")
        raise Refused(403, "AccessDenied", "Access Denied")
    return _found(item)


def allows(policy: dict[str, Any], action: str, resource: str, source_arn: str | None) -> bool:
    """Whether `policy` lets CloudFront (for `source_arn`'s distribution; None: anonymous)
    do `action` on `resource`; an explicit Deny wins."""
    matching = [s for s in _list(policy.get("Statement"))
                if _grants(s, action, resource, source_arn)]
    return bool(matching) and all(s.get("Effect") == "Allow" for s in matching)


def _grants(statement: dict[str, Any], action: str, resource: str,
            source_arn: str | None) -> bool:
    principal = statement.get("Principal")
    if source_arn is None:
        if principal not in ("*", {"AWS": "*"}):
            return False
    elif not isinstance(principal, dict) or CLOUDFRONT not in _list(principal.get("Service")):
        return False
    actions = _list(statement.get("Action"))
    resources = _list(statement.get("Resource"))
    if not any(fnmatch.fnmatchcase(action, a) for a in actions):
        return False
    if not any(fnmatch.fnmatchcase(resource, r) for r in resources):
        return False
    return _condition_holds(statement.get("Condition") or {}, source_arn)


def _condition_holds(condition: dict[str, Any], source_arn: str | None) -> bool:
    """StringEquals/ArnEquals/ArnLike on AWS:SourceArn (other conditions: not evaluated)."""
    for operator, tests in condition.items():
        for key, wanted in (tests or {}).items():
            if key.lower() != "aws:sourcearn":
                continue
            like = operator.lower().endswith("like")
            if source_arn is None or not any(
                    fnmatch.fnmatchcase(source_arn, w) if like else source_arn == w
                    for w in _list(wanted)):
                return False
    return True


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [] if value is None else [value]


def _bucket(name: str) -> Any | None:
    for _account, partitions in list(s3_backends.items()):
        for backend in list(partitions.values()):
            if name in backend.buckets:
                return backend.buckets[name]
    return None


def _policy(bucket: Any) -> dict[str, Any]:
    try:
        return json.loads(bucket.policy) if bucket.policy else {}
    except ValueError:
        return {}


def _found(item: Any) -> Found:
    meta = dict(item.metadata)
    headers = [("Content-Type", meta.get("content-type", "binary/octet-stream")),
               ("ETag", item.etag),
               ("Last-Modified", item.last_modified.strftime("%a, %d %b %Y %H:%M:%S GMT"))]
    if meta.get("cache-control"):
        headers.append(("Cache-Control", meta["cache-control"]))
    return Found(item.value, tuple(headers), item.etag)
