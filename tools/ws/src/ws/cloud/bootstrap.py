"""`ws bootstrap`: what an account needs before ws deploys there, made idempotently.

The artifact bucket: encrypted, public access blocked, TLS only, versioned, old versions and
uploaded templates expired. The lock table. Running it again changes nothing.
"""
from __future__ import annotations

import json

from ws.cloud.artifacts import ensure_bucket
from ws.cloud.backend import Backend
from ws.cloud.locks import TABLE, LockTable

NONCURRENT_DAYS = 30  # a replaced artifact version is kept this long (rollbacks need it)
TEMPLATE_DAYS = 90  # templates/ holds large templates passed by URL: needed only at deploy


def bootstrap(backend: Backend, workspace: str) -> list[str]:
    """Make or bring up to date the bucket and the lock table; what was done, line by line."""
    s3 = backend.client("s3")
    bucket = backend.artifact_bucket(workspace)
    ensure_bucket(s3, bucket, backend.region)
    s3.put_public_access_block(Bucket=bucket, PublicAccessBlockConfiguration={
        "BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True,
        "RestrictPublicBuckets": True})
    s3.put_bucket_encryption(Bucket=bucket, ServerSideEncryptionConfiguration={"Rules": [{
        "ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"},
        "BucketKeyEnabled": True}]})
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    s3.put_bucket_lifecycle_configuration(Bucket=bucket, LifecycleConfiguration={"Rules": [
        {"ID": "ws-old-versions", "Status": "Enabled", "Filter": {"Prefix": ""},
         "NoncurrentVersionExpiration": {"NoncurrentDays": NONCURRENT_DAYS},
         "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 7}},
        {"ID": "ws-templates", "Status": "Enabled", "Filter": {"Prefix": "templates/"},
         "Expiration": {"Days": TEMPLATE_DAYS}}]})
    s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps(_tls_only(bucket)))
    LockTable(backend.client("dynamodb")).ensure()
    return [f"artifact bucket {bucket}: encrypted (SSE-S3), public access blocked, TLS only, "
            f"versioned, old versions expire after {NONCURRENT_DAYS} days",
            f"lock table {TABLE}: ready"]


def _tls_only(bucket: str) -> dict:
    return {"Version": "2012-10-17", "Statement": [{
        "Sid": "TlsOnly", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
        "Resource": [f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/*"],
        "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]}
