"""Against a real sandbox account: change sets, an empty change set, the stateful-replacement
guard, diff, drift, termination protection, destroy. Everything made is deleted at the end."""
from __future__ import annotations

import json
import os
import uuid

import pytest
from ws import api
from ws.engine.request import RunRequest
from ws.testing.workspaces import write_tree


def table(key: str) -> str:
    return json.dumps({"Resources": {"Table": {"Type": "AWS::DynamoDB::Table", "Properties": {
        "BillingMode": "PAY_PER_REQUEST",
        "AttributeDefinitions": [{"AttributeName": key, "AttributeType": "S"}],
        "KeySchema": [{"AttributeName": key, "KeyType": "HASH"}]}}},
        "Outputs": {"TableName": {"Value": {"Ref": "Table"}}}})


@pytest.fixture
def sandbox(tmp_path):
    env = {"target": "aws", "region": os.environ.get("AWS_REGION", "us-east-1"),
           "protected": True, "naming": "ws-sandbox-" + uuid.uuid4().hex[:8] + "-{stack}"}
    if os.environ.get("AWS_PROFILE"):
        env["profile"] = os.environ["AWS_PROFILE"]
    if os.environ.get("WS_AWS_ACCOUNT_ID"):
        env["account_id"] = os.environ["WS_AWS_ACCOUNT_ID"]
    root = write_tree(tmp_path, {"workspace.yaml": {"name": "sandbox"},
                                 "environments/sandbox.yaml": env,
                                 "stacks/db/stack.yaml": {}, "stacks/db/template.yaml": table("id")})
    yield root
    api.destroy(root, "sandbox", RunRequest(unprotect=True))


def test_change_sets_guard_and_cleanup_on_real_aws(sandbox):
    first = api.deploy(sandbox, "sandbox", RunRequest())
    assert first.ok and first.stacks[0].status == "deployed"
    again = api.deploy(sandbox, "sandbox", RunRequest())
    assert again.stacks[0].status == "unchanged"  # an empty change set, not an error
    (sandbox / "stacks/db/template.yaml").write_text(table("pk"))  # a new key replaces the table
    [planned] = api.diff(sandbox, "sandbox")
    assert planned.data_loss == ["replace Table (AWS::DynamoDB::Table)"]
    refused = api.deploy(sandbox, "sandbox", RunRequest())
    assert refused.stacks[0].status == "failed" and "--allow-replace db.Table" in \
        refused.stacks[0].reason
    assert {d.status for d in api.drift(sandbox, "sandbox")} == {"IN_SYNC"}
    with pytest.raises(Exception, match="termination protection"):
        api.destroy(sandbox, "sandbox", RunRequest())
