"""`ws bootstrap`: what an account needs before ws deploys there, made idempotently.

The artifact bucket: encrypted, public access blocked, TLS only, versioned, old versions and
uploaded templates expired. The lock table. Running it again changes nothing.
"""
from __future__ import annotations

import json

from ws.cloud.artifacts import ensure_bucket, merged_policy
from ws.cloud.backend import Backend
from ws.cloud.locks import TABLE, LockTable

NONCURRENT_DAYS = 30  # a replaced artifact version is kept this long (rollbacks need it)
TEMPLATE_DAYS = 90  # templates/ holds large templates passed by URL: needed only at deploy


def bootstrap(backend: Backend, workspace: str) -> list[str]:
    """Make or bring up to date the bucket and the lock table; what was done, line by line."""
    s3 = backend.client("s3")
    bucket, owner = backend.artifact_bucket(workspace), backend.account_id
    ensure_bucket(s3, bucket, backend.region, owner)
    mine = {"ExpectedBucketOwner": owner}  # on every call: never configure someone else's
    s3.put_public_access_block(Bucket=bucket, **mine, PublicAccessBlockConfiguration={
        "BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True,
        "RestrictPublicBuckets": True})
    s3.put_bucket_encryption(Bucket=bucket, **mine, ServerSideEncryptionConfiguration={"Rules": [{
        "ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"},
        "BucketKeyEnabled": True}]})
    s3.put_bucket_versioning(Bucket=bucket, **mine, VersioningConfiguration={"Status": "Enabled"})
    s3.put_bucket_lifecycle_configuration(Bucket=bucket, **mine, LifecycleConfiguration={"Rules": [
        {"ID": "ws-old-versions", "Status": "Enabled", "Filter": {"Prefix": ""},
         "NoncurrentVersionExpiration": {"NoncurrentDays": NONCURRENT_DAYS},
         "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 7}},
        {"ID": "ws-templates", "Status": "Enabled", "Filter": {"Prefix": "templates/"},
         "Expiration": {"Days": TEMPLATE_DAYS}}]})
    policy = merged_policy(s3, bucket, owner, [_tls_only(bucket, backend.partition)])
    s3.put_bucket_policy(Bucket=bucket, **mine, Policy=json.dumps(policy))
    LockTable(backend.client("dynamodb")).ensure()
    return [f"artifact bucket {bucket}: encrypted (SSE-S3), public access blocked, TLS only, "
            f"versioned, old versions expire after {NONCURRENT_DAYS} days; its policy keeps "
            f"{len(policy['Statement']) - 1} statement(s) of its own",
            f"lock table {TABLE}: ready"]


def _tls_only(bucket: str, partition: str) -> dict:
    """ws's statement (Sid WsTlsOnly, replaced on every run; other statements are kept)."""
    return {"Sid": "WsTlsOnly", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
            "Resource": [f"arn:{partition}:s3:::{bucket}", f"arn:{partition}:s3:::{bucket}/*"],
            "Condition": {"Bool": {"aws:SecureTransport": "false"}}}
