"""The artifact bucket: made on first use, objects uploaded once by content address.

Its name is predictable (`ws-{account}-{region}-{workspace}`), so another account could make
it first: every call passes ExpectedBucketOwner (S3 then refuses a bucket owned by anyone
else), and a bucket that is not ours is refused before anything is uploaded.
"""
from __future__ import annotations

import json
from typing import Any, Callable

from botocore.exceptions import ClientError

from ws.errors import DeployError

Upload = Callable[[str, bytes], None]


def s3_uploader(s3: Any, bucket: str, owner: str) -> Upload:
    """Upload a content-addressed object unless it is already there."""
    def upload(key: str, data: bytes) -> None:
        try:
            s3.head_object(Bucket=bucket, Key=key, ExpectedBucketOwner=owner)
        except ClientError as exc:
            if _code(exc) in ("403", "AccessDenied"):
                raise not_ours(bucket, owner) from None
            s3.put_object(Bucket=bucket, Key=key, Body=data, ExpectedBucketOwner=owner)
    return upload


def ensure_bucket(s3: Any, bucket: str, region: str, owner: str) -> None:
    """Make the bucket unless this account already has it; refuse one another account owns."""
    if _exists(s3, bucket, owner):
        return
    extra = {} if region == "us-east-1" else {
        "CreateBucketConfiguration": {"LocationConstraint": region}}
    try:
        s3.create_bucket(Bucket=bucket, **extra)
    except ClientError as exc:
        if _code(exc) == "BucketAlreadyExists":
            raise not_ours(bucket, owner) from None
        if _code(exc) != "BucketAlreadyOwnedByYou":
            raise
    if not _exists(s3, bucket, owner):  # made a moment ago by another ws run: fine if ours
        raise DeployError(f"artifact bucket {bucket} could not be made")


def _exists(s3: Any, bucket: str, owner: str) -> bool:
    try:
        s3.head_bucket(Bucket=bucket, ExpectedBucketOwner=owner)
        return True
    except ClientError as exc:
        if _code(exc) in ("404", "NoSuchBucket", "NotFound"):
            return False
        if _code(exc) in ("403", "AccessDenied"):
            raise not_ours(bucket, owner) from None
        raise


def not_ours(bucket: str, owner: str) -> DeployError:
    return DeployError(f"artifact bucket {bucket} exists but is not owned by account {owner} "
                       "(or these credentials may not read it): ws uploads nothing there",
                       "find out who owns it; if another account took the name, delete it there "
                       "or deploy from another region; if it is yours, grant s3:ListBucket")


def merged_policy(s3: Any, bucket: str, owner: str, statements: list[dict]) -> dict:
    """The bucket's policy with ws's statements added (or replaced, by Sid); others kept."""
    try:
        current = json.loads(s3.get_bucket_policy(Bucket=bucket,
                                                  ExpectedBucketOwner=owner)["Policy"])
    except ClientError as exc:
        if _code(exc) != "NoSuchBucketPolicy":
            raise
        current = {"Version": "2012-10-17", "Statement": []}
    found = current.get("Statement", [])
    found = [found] if isinstance(found, dict) else list(found)
    ours = {s["Sid"] for s in statements}
    kept = [s for s in found if s.get("Sid") not in ours]
    return {**current, "Statement": kept + statements}


def _code(exc: ClientError) -> str:
    return str(exc.response.get("Error", {}).get("Code", ""))
