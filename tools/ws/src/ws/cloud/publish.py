"""Publishing's calls to S3 and CloudFront: read what a prefix holds, put objects with their
content types and cache headers, delete, invalidate, and keep ws's index of what it published.
The same calls on AWS and locally; what to upload is decided by the caller (ws.package.assets)."""
from __future__ import annotations

import time
import uuid
from dataclasses import dataclass
from typing import Any, Iterable

from botocore.exceptions import ClientError

from ws.cloud.artifacts import ensure_bucket
from ws.errors import DeployError

INDEX_FOLDER = "assets-index/"  # in the artifact bucket: one index per site bucket and prefix
_MISSING = ("NoSuchKey", "NoSuchBucket", "404", "NotFound")


@dataclass(frozen=True)
class AssetIndex:
    """ws's index of what it published to a site bucket and prefix (key -> digest), kept in
    ws's own artifact bucket (private), never beside the site: a site bucket is served."""

    s3: Any
    bucket: str  # the artifact bucket
    owner: str  # its account, on every call
    region: str = "us-east-1"

    def key(self, site: str, prefix: str) -> str:
        return f"{INDEX_FOLDER}{site}/{prefix}ws-assets.json"

    def read(self, site: str, prefix: str) -> bytes | None:
        """The index, or None when there is none yet."""
        try:
            return self.s3.get_object(Bucket=self.bucket, Key=self.key(site, prefix),
                                      ExpectedBucketOwner=self.owner)["Body"].read()
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in _MISSING:
                return None
            raise DeployError(f"cannot read ws's asset index in s3://{self.bucket}: "
                              f"{_reason(exc)}") from None

    def write(self, site: str, prefix: str, data: bytes) -> None:
        ensure_bucket(self.s3, self.bucket, self.region, self.owner)
        try:
            self.s3.put_object(Bucket=self.bucket, Key=self.key(site, prefix), Body=data,
                               ContentType="application/json", ExpectedBucketOwner=self.owner)
        except ClientError as exc:
            raise DeployError(f"cannot write ws's asset index to s3://{self.bucket}: "
                              f"{_reason(exc)}") from None

    def delete(self, site: str, prefix: str) -> None:
        try:
            self.s3.delete_object(Bucket=self.bucket, Key=self.key(site, prefix),
                                  ExpectedBucketOwner=self.owner)
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") not in _MISSING:
                raise DeployError(f"cannot delete ws's asset index in s3://{self.bucket}: "
                                  f"{_reason(exc)}") from None


def bucket_state(s3: Any, bucket: str, prefix: str, index_key: str) -> tuple[set[str], bytes | None]:
    """The keys under `prefix`, and the object at `index_key` there (None when absent): ws's
    index where ws kept it before, beside the site."""
    try:
        pages = s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix)
        keys = {item["Key"] for page in pages for item in page.get("Contents") or []}
    except ClientError as exc:
        raise DeployError(f"cannot list s3://{bucket}/{prefix} to publish assets: "
                          f"{_reason(exc)}", "the bucket must exist: use the stack's own "
                          "output, e.g. ${self.BucketName}") from None
    return keys, _read(s3, bucket, index_key) if index_key in keys else None


def put_objects(s3: Any, bucket: str, objects: Iterable[Any]) -> None:
    """Upload each object (key, data, content_type, cache_control, digest attributes)."""
    for item in objects:
        try:
            s3.put_object(Bucket=bucket, Key=item.key, Body=item.data,
                          ContentType=item.content_type, CacheControl=item.cache_control,
                          Metadata={"ws-digest": item.digest})
        except ClientError as exc:
            raise DeployError(f"uploading s3://{bucket}/{item.key} failed: "
                              f"{_reason(exc)}") from None


def delete_objects(s3: Any, bucket: str, keys: Iterable[str]) -> None:
    """Delete `keys`, a thousand per request."""
    keys = list(keys)
    for start in range(0, len(keys), 1000):
        chunk = [{"Key": k} for k in keys[start:start + 1000]]
        try:
            s3.delete_objects(Bucket=bucket, Delete={"Objects": chunk, "Quiet": True})
        except ClientError as exc:
            raise DeployError(f"deleting from s3://{bucket} failed: {_reason(exc)}") from None


def invalidate(cloudfront: Any, distribution: str, paths: list[str]) -> str:
    """CreateInvalidation of `paths` on `distribution`; returns its id."""
    try:
        answer = cloudfront.create_invalidation(DistributionId=distribution, InvalidationBatch={
            "Paths": {"Quantity": len(paths), "Items": paths},
            "CallerReference": f"ws-{time.time():.0f}-{uuid.uuid4().hex[:8]}"})
    except ClientError as exc:
        raise DeployError(f"invalidating CloudFront distribution {distribution} failed: "
                          f"{_reason(exc)}") from None
    return answer["Invalidation"]["Id"]


def _read(s3: Any, bucket: str, key: str) -> bytes | None:
    try:
        return s3.get_object(Bucket=bucket, Key=key)["Body"].read()
    except ClientError:
        return None


def _reason(exc: ClientError) -> str:
    error = exc.response.get("Error", {})
    return f"{error.get('Code', '?')}: {error.get('Message', '')}".rstrip(": ")
