"""`ws bootstrap` on the local endpoint: the bucket's settings and the lock table, checked
through the S3 and DynamoDB APIs; a second run changes nothing."""
from __future__ import annotations

import json

from click.testing import CliRunner
from ws.cli import commands as cli
from ws.testing.workspaces import queue_template, workspace_files, write_tree

BUCKET = "ws-123456789012-us-east-1-demo"


def test_bootstrap_makes_a_locked_down_bucket_and_the_lock_table(tmp_path, endpoint, aws):
    root = write_tree(tmp_path, workspace_files(db=(queue_template(), {})))
    for _ in range(2):  # idempotent
        result = CliRunner().invoke(cli.cli, ["-w", str(root), "bootstrap", "--env", "local"])
        assert result.exit_code == 0, result.output
        assert f"artifact bucket {BUCKET}" in result.output and "lock table ws-locks" in result.output
    s3 = aws("s3")
    assert s3.get_public_access_block(Bucket=BUCKET)["PublicAccessBlockConfiguration"] == {
        "BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True,
        "RestrictPublicBuckets": True}
    rule = s3.get_bucket_encryption(Bucket=BUCKET)["ServerSideEncryptionConfiguration"]["Rules"][0]
    assert rule["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"] == "AES256"
    assert s3.get_bucket_versioning(Bucket=BUCKET)["Status"] == "Enabled"
    rules = {r["ID"]: r for r in s3.get_bucket_lifecycle_configuration(Bucket=BUCKET)["Rules"]}
    assert rules["ws-old-versions"]["NoncurrentVersionExpiration"]["NoncurrentDays"] == 30
    assert rules["ws-templates"]["Expiration"]["Days"] == 90
    policy = json.loads(s3.get_bucket_policy(Bucket=BUCKET)["Policy"])
    assert policy["Statement"][0]["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    assert [b["Name"] for b in s3.list_buckets()["Buckets"]] == [BUCKET]
    table = aws("dynamodb").describe_table(TableName="ws-locks")["Table"]
    assert table["KeySchema"] == [{"AttributeName": "id", "KeyType": "HASH"}]
    deployed = CliRunner().invoke(cli.cli, ["-w", str(root), "deploy", "--env", "local"])
    assert deployed.exit_code == 0, deployed.output  # deploys into the bootstrapped bucket


def test_bootstrap_adds_to_an_existing_bucket_policy(tmp_path, endpoint, aws):
    root = write_tree(tmp_path, workspace_files(db=(queue_template(), {})))
    s3 = aws("s3")
    s3.create_bucket(Bucket=BUCKET)
    theirs = {"Sid": "AuditRead", "Effect": "Allow",
              "Principal": {"AWS": "arn:aws:iam::123456789012:root"}, "Action": "s3:GetObject",
              "Resource": f"arn:aws:s3:::{BUCKET}/*"}
    s3.put_bucket_policy(Bucket=BUCKET, Policy=json.dumps({"Version": "2012-10-17",
                                                           "Statement": [theirs]}))
    for _ in range(2):  # a second run replaces ws's statement, never duplicates it
        result = CliRunner().invoke(cli.cli, ["-w", str(root), "bootstrap", "--env", "local"])
        assert result.exit_code == 0, result.output
    policy = json.loads(s3.get_bucket_policy(Bucket=BUCKET)["Policy"])
    assert [s["Sid"] for s in policy["Statement"]] == ["AuditRead", "WsTlsOnly"]
    assert policy["Statement"][0] == theirs
