"""The artifact bucket: made on first use, objects uploaded once by content address."""
from __future__ import annotations

from typing import Any, Callable

Upload = Callable[[str, bytes], None]


def s3_uploader(s3: Any, bucket: str) -> Upload:
    """Upload a content-addressed object unless it is already there."""
    def upload(key: str, data: bytes) -> None:
        try:
            s3.head_object(Bucket=bucket, Key=key)
        except s3.exceptions.ClientError:
            s3.put_object(Bucket=bucket, Key=key, Body=data)
    return upload


def ensure_bucket(s3: Any, bucket: str, region: str) -> None:
    try:
        s3.head_bucket(Bucket=bucket)
        return
    except s3.exceptions.ClientError:
        pass
    extra = {} if region == "us-east-1" else {
        "CreateBucketConfiguration": {"LocationConstraint": region}}
    try:
        s3.create_bucket(Bucket=bucket, **extra)
    except (s3.exceptions.BucketAlreadyOwnedByYou, s3.exceptions.BucketAlreadyExists):
        s3.head_bucket(Bucket=bucket)  # made a moment ago by another ws run: fine if ours
