"""Node.js functions find the AWS SDK that Lambda bundles, and its calls reach the endpoint.

The first run installs @aws-sdk/client-s3 and client-sqs from npm into the user's cache
(some seconds); later runs find them there."""
from __future__ import annotations

import dataclasses
import json
import shutil
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from lambda_helpers import Functions
from ws.local.lambdas import nodesdk, sdkscan
from ws.local.lambdas.sdkenv import BundledSdk
from ws.local.lambdas.launch import Launcher
from ws.local.lambdas.process import WorkerProcess, worker_env
from ws.local.lambdas.spec import FunctionSpec

pytestmark = pytest.mark.skipif(shutil.which("npm") is None, reason="needs npm")

COMMONJS = """
const { S3Client, CreateBucketCommand } = require('@aws-sdk/client-s3');
exports.handler = async (event) => {
  await new S3Client({}).send(new CreateBucketCommand({ Bucket: event.bucket }));
  return 'made';
};
"""

ESM = """
import { SQSClient, GetQueueUrlCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
const sqs = new SQSClient({});
export const handler = async (event) => {
  const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: event.queue }));
  await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'from node' }));
  return 'sent';
};
"""


@pytest.fixture
def functions(aws) -> Functions:
    return Functions(aws)


def test_a_commonjs_function_uses_the_bundled_sdk_on_the_endpoint(functions, aws):
    functions.create("cjs-s3", {"index.js": COMMONJS}, Runtime="nodejs20.x",
                     Handler="index.handler", Timeout=30)
    assert functions.invoke("cjs-s3", {"bucket": "made-by-node"}) == ("made", None)
    assert "made-by-node" in [b["Name"] for b in aws("s3").list_buckets()["Buckets"]]
    log = aws("logs").filter_log_events(logGroupName="/aws/lambda/cjs-s3")["events"]
    assert not [e for e in log if "Warning" in e["message"]]  # the SDK's, of ws's choice


@pytest.mark.parametrize("files", [
    {"index.mjs": ESM},
    # a .js file of a "type": "module" package: require() of it (Node 20.19+) skips the hooks
    {"index.js": ESM, "package.json": '{"type": "module"}'}], ids=["mjs", "type-module"])
def test_an_es_module_function_uses_the_bundled_sdk_on_the_endpoint(functions, aws, files):
    url = aws("sqs").create_queue(QueueName="inbox")["QueueUrl"]
    functions.create("esm-sqs", files, Runtime="nodejs20.x",
                     Handler="index.handler", Timeout=30)
    assert functions.invoke("esm-sqs", {"queue": "inbox"}) == ("sent", None)
    messages = aws("sqs").receive_message(QueueUrl=url, WaitTimeSeconds=1)["Messages"]
    assert [m["Body"] for m in messages] == ["from node"]


V2 = """
const AWS = require('aws-sdk');
exports.handler = async (event) => {
  await new AWS.S3().createBucket({ Bucket: event.bucket }).promise();
  return 'made';
};
"""


def test_a_nodejs16_function_uses_the_v2_sdk_it_bundles_on_the_endpoint(functions, aws):
    functions.create("v2-s3", {"index.js": V2}, Runtime="nodejs16.x", Handler="index.handler",
                     Timeout=30)
    assert functions.invoke("v2-s3", {"bucket": "made-by-v2"}) == ("made", None)
    assert "made-by-v2" in [b["Name"] for b in aws("s3").list_buckets()["Buckets"]]


def test_the_functions_own_sdk_wins(functions):
    own = {"index.js": "exports.handler = async () => require('@aws-sdk/client-s3').mine;",
           "node_modules/@aws-sdk/client-s3/package.json": '{"name": "@aws-sdk/client-s3"}',
           "node_modules/@aws-sdk/client-s3/index.js": "exports.mine = 'own copy';"}
    functions.create("own-sdk", own, Runtime="nodejs20.x", Handler="index.handler")
    assert functions.invoke("own-sdk") == ("own copy", None)


SPEC = FunctionSpec(name="fn", arn="arn:aws:lambda:us-east-1:123456789012:function:fn",
                    version="$LATEST", runtime="nodejs20.x", handler="index.handler",
                    timeout=5, memory=128, env=(), code_sha="x", region="us-east-1",
                    account="123456789012")


def test_without_npm_the_invoke_answers_an_import_error_saying_why(tmp_path):
    code = tmp_path / "code"
    code.mkdir()
    (code / "index.mjs").write_text(ESM)
    sdk = BundledSdk(tmp_path / "cache", npm=None)
    launch = Launcher("http://127.0.0.1:1", sdk).launch(SPEC, code)
    worker = WorkerProcess(SPEC, code, "http://127.0.0.1:1", launch)
    request = {"request_id": "r-1", "event": "{}", "handler": "index.handler",
               "deadline_ms": time.time() * 1000 + 5000, "function_name": "fn",
               "version": "$LATEST", "arn": SPEC.arn, "memory": 128, "log_group": "g",
               "log_stream": "s"}
    try:
        reply = worker.invoke(request, time.monotonic() + 10)
    finally:
        worker.kill()
    error = json.loads(reply["payload"])
    assert error["errorType"] == "Runtime.ImportModuleError"
    assert error["errorMessage"] == (
        "Error: Cannot find package '@aws-sdk/client-sqs': the AWS SDK that Lambda bundles "
        "could not be installed here (npm is not on PATH: install Node.js with npm)")


def test_the_packages_to_provide_are_those_the_code_names_and_does_not_bring(tmp_path):
    files = {"index.mjs": "import { S3Client } from '@aws-sdk/client-s3';\n"
                          "const d = await import(\"@aws-sdk/lib-dynamodb\");",
             "lib/old.js": "const AWS = require('aws-sdk'); require(`@aws-sdk/client-sqs/dist`);",
             "lib/node_modules/@aws-sdk/client-sqs/index.js": "require('@aws-sdk/core')",
             "node_modules/@aws-sdk/client-sts/index.js": "",
             "vendor.js": "// @aws-sdk/client-sts and '@aws-sdk/client-*' are only mentioned"
                          " '@aws-sdk/client-sts'"}
    for path, text in files.items():
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_text(text)
    assert sdkscan.wanted(tmp_path, "nodejs20.x") == ("@aws-sdk/client-s3",
                                                      "@aws-sdk/lib-dynamodb")
    assert sdkscan.wanted(tmp_path, "nodejs16.x") == ("aws-sdk",)


def fake_npm(tmp_path, script: str) -> str:
    npm = tmp_path / "npm"
    npm.write_text("#!/bin/sh\n" + script)
    npm.chmod(0o755)
    return str(npm)


def test_concurrent_installs_of_one_set_run_npm_once_and_leave_no_scratch(tmp_path,
                                                                         monkeypatch):
    npm = fake_npm(tmp_path, 'echo run >> "$COUNT"; sleep 0.3\n'
                             "mkdir -p node_modules/@aws-sdk/client-s3\n")
    monkeypatch.setenv("COUNT", str(tmp_path / "count"))
    cache = tmp_path / "cache"
    with ThreadPoolExecutor(4) as pool:
        folders = set(pool.map(lambda _: nodesdk.install(("@aws-sdk/client-s3",), cache,
                                                         npm), range(4)))
    assert len(folders) == 1 and (folders.pop() / "node_modules/@aws-sdk/client-s3").is_dir()
    assert (tmp_path / "count").read_text() == "run\n"
    assert not [p for p in cache.iterdir() if p.name.startswith(".install-")]


def test_a_failed_install_says_npms_reason_in_one_line(tmp_path):
    npm = fake_npm(tmp_path, "echo 'npm error code ECONNREFUSED' >&2\n"
                             "echo 'npm error errno ECONNREFUSED' >&2\n"
                             "echo 'npm error FetchError: request to http://x failed' >&2\n"
                             "echo 'npm error     at ClientRequest' >&2\n"
                             "exit 1\n")
    with pytest.raises(nodesdk.Unavailable) as raised:
        nodesdk.install(("@aws-sdk/client-s3",), tmp_path / "cache", npm)
    assert str(raised.value) == "npm install failed: FetchError: request to http://x failed"
    assert not [p for p in (tmp_path / "cache").iterdir() if not p.name.endswith(".lock")]


def test_a_name_npm_does_not_know_is_left_out(tmp_path):
    npm = fake_npm(tmp_path, """if grep -q client-nope package.json; then
  echo 'npm error 404 Not Found - GET https://registry.npmjs.org/@aws-sdk%2fclient-nope' >&2
  exit 1
fi
mkdir -p node_modules/@aws-sdk/client-s3
""")
    folder = nodesdk.install(("@aws-sdk/client-nope", "@aws-sdk/client-s3"), tmp_path, npm)
    assert (folder / "node_modules/@aws-sdk/client-s3").is_dir()
    with pytest.raises(nodesdk.Unavailable, match="404 Not Found"):
        nodesdk.install(("@aws-sdk/client-nope",), tmp_path, npm)


def test_a_cache_that_cannot_be_written_is_said_not_raised(tmp_path):
    (tmp_path / "file").write_text("")
    with pytest.raises(nodesdk.Unavailable, match="Not a directory"):
        nodesdk.install(("@aws-sdk/client-s3",), tmp_path / "file" / "cache", "npm")


def test_a_node_path_of_the_function_comes_before_the_sdks(tmp_path):
    own = dataclasses.replace(SPEC, env=(("NODE_PATH", "/opt/mine"),))
    env = worker_env(own, "http://127.0.0.1:1", tmp_path, "s", {"NODE_PATH": "/cache/sdk"})
    assert env["NODE_PATH"] == f"/opt/mine:/cache/sdk:{tmp_path}"
    # as Lambda's NODE_PATH: the layers, then the SDK, then the task root
    layered = worker_env(SPEC, "http://127.0.0.1:1", tmp_path, "s", {"NODE_PATH": "/cache/sdk"},
                         tmp_path / "opt")
    assert layered["NODE_PATH"].split(":") == [
        str(tmp_path / "opt/nodejs/node20/node_modules"), str(tmp_path / "opt/nodejs/node_modules"),
        "/cache/sdk", str(tmp_path)]
