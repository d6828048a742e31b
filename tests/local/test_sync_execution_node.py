"""A Node.js function calls StartSyncExecution with the SDK that Lambda bundles (v3) or aws-sdk
(v2): the SDK puts its `sync-` host prefix before AWS_ENDPOINT_URL's host, and the call still
reaches the endpoint. The first run installs @aws-sdk/client-sfn from npm into the cache."""
from __future__ import annotations

import json
import shutil

import pytest

from lambda_helpers import Functions

pytestmark = pytest.mark.skipif(shutil.which("npm") is None, reason="needs npm")

V3 = """
import { SFNClient, StartSyncExecutionCommand } from '@aws-sdk/client-sfn';
export const handler = async (event) => {
  const answer = await new SFNClient({}).send(new StartSyncExecutionCommand({
    stateMachineArn: event.arn, input: '{"from": "v3"}' }));
  return { status: answer.status, output: answer.output };
};
"""
V2 = """
const AWS = require('aws-sdk');
exports.handler = async (event) => {
  const answer = await new AWS.StepFunctions().startSyncExecution({
    stateMachineArn: event.arn, input: '{"from": "v2"}' }).promise();
  return { status: answer.status, output: answer.output };
};
"""


@pytest.mark.parametrize("runtime, files", [
    ("nodejs20.x", {"index.mjs": V3}), ("nodejs16.x", {"index.js": V2})], ids=["v3", "v2"])
def test_a_node_function_starts_a_sync_execution(aws, runtime, files):
    arn = aws("stepfunctions").create_state_machine(
        name="node-called", roleArn="arn:aws:iam::123456789012:role/sfn", type="EXPRESS",
        definition=json.dumps({"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}})
    )["stateMachineArn"]
    functions = Functions(aws)
    functions.create("node-caller", files, Runtime=runtime, Handler="index.handler", Timeout=30)
    payload, error = functions.invoke("node-caller", {"arn": arn})
    assert error is None, payload
    assert payload["status"] == "SUCCEEDED" and json.loads(payload["output"])["from"] in (
        "v2", "v3")
