"""The hotswap ledger: what runs in a stack since its last CloudFormation deploy, kept in the
artifact bucket (`hotswaps/<stack name>.json`) so that every run, a teammate's and CI's
included, sees it. CloudFormation's own record (the `WsDeployRecord` output) can only change
through CloudFormation; the ledger says which of its deploys it was made on."""
from __future__ import annotations

import json
from typing import Any

from botocore.exceptions import ClientError

from ws.cloud.livestate import record_of

PREFIX = "hotswaps/"


def ledger_active(live: dict[str, Any], ledger: dict[str, Any] | None) -> bool:
    """A ledger counts while CloudFormation still holds the deploy it was made on."""
    return bool(ledger) and isinstance(ledger.get("template"), dict) \
        and ledger.get("cfn_fingerprint") == record_of(live).get("fingerprint")


def key_of(stack_name: str) -> str:
    return f"{PREFIX}{stack_name}.json"


def read_ledgers(s3: Any, bucket: str, owner: str, names: set[str]) -> dict[str, dict]:
    """The ledgers of the stacks named (by stack name): one listing, then one read each of
    those that have one. No bucket yet: none."""
    found: dict[str, dict] = {}
    try:
        for page in s3.get_paginator("list_objects_v2").paginate(
                Bucket=bucket, Prefix=PREFIX, ExpectedBucketOwner=owner):
            for item in page.get("Contents", []):
                name = item["Key"][len(PREFIX):].removesuffix(".json")
                if name in names:
                    found[name] = _read(s3, bucket, owner, item["Key"])
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") not in ("NoSuchBucket", "404"):
            raise
    return {name: entry for name, entry in found.items() if entry}


def _read(s3: Any, bucket: str, owner: str, key: str) -> dict:
    try:
        body = s3.get_object(Bucket=bucket, Key=key, ExpectedBucketOwner=owner)["Body"].read()
        entry = json.loads(body)
    except (ClientError, ValueError):
        return {}  # gone meanwhile, or unreadable: as if there were none
    return entry if isinstance(entry, dict) else {}


def write_ledger(s3: Any, bucket: str, owner: str, stack_name: str, entry: dict) -> None:
    s3.put_object(Bucket=bucket, Key=key_of(stack_name), ExpectedBucketOwner=owner,
                  Body=json.dumps(entry, sort_keys=True).encode(),
                  ContentType="application/json")


def delete_ledger(s3: Any, bucket: str, owner: str, stack_name: str) -> None:
    s3.delete_object(Bucket=bucket, Key=key_of(stack_name), ExpectedBucketOwner=owner)
