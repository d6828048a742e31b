"""Node.js functions run on the local endpoint in worker processes, as Python ones do."""
from __future__ import annotations

import base64
import json
import subprocess
import time

import pytest

from lambda_helpers import Functions

CALLBACK_APP = """
const worker = Math.random();
exports.handler = function (event, context, callback) {
  console.log('got', event.n);
  callback(null, {
    n: event.n + 1, name: context.functionName, arn: context.invokedFunctionArn,
    memory: context.memoryLimitInMB, request: context.awsRequestId,
    group: context.logGroupName, left: context.getRemainingTimeInMillis(), worker,
    env: Object.fromEntries(['COLOUR', 'AWS_ENDPOINT_URL', 'AWS_REGION', 'AWS_ACCESS_KEY_ID',
      'AWS_LAMBDA_FUNCTION_NAME'].map((k) => [k, process.env[k]])),
  });
};
"""


@pytest.fixture
def functions(aws) -> Functions:
    return Functions(aws)


def node(functions: Functions, name: str, files: dict[str, str], **config) -> str:
    return functions.create(name, files, Runtime=config.pop("Runtime", "nodejs20.x"),
                            Handler=config.pop("Handler", "index.handler"), **config)


def test_commonjs_callback_gets_event_context_and_environment(functions, moto_url):
    name = node(functions, "cjs", {"index.js": CALLBACK_APP}, Timeout=7, MemorySize=256,
                Environment={"Variables": {"COLOUR": "teal"}})
    answer, error = functions.invoke(name, {"n": 41})
    assert error is None, answer
    assert answer["n"] == 42 and answer["name"] == "cjs" and answer["memory"] == "256"
    assert answer["arn"].endswith(":function:cjs") and answer["group"] == "/aws/lambda/cjs"
    assert 5000 < answer["left"] <= 7000 and len(answer["request"]) == 36
    port = moto_url.rsplit(":", 1)[1]
    assert answer["env"] == {"COLOUR": "teal", "AWS_ENDPOINT_URL": f"http://127.0.0.1:{port}",
                             "AWS_REGION": "us-east-1", "AWS_ACCESS_KEY_ID": "testing",
                             "AWS_LAMBDA_FUNCTION_NAME": "cjs"}
    again, _ = functions.invoke(name, {"n": 1})
    assert again["worker"] == answer["worker"]  # warm: the same worker answered


def test_esm_async_handlers_in_nested_paths(functions):
    node(functions, "esm", {"src/app.mjs": "export const handler = async (e) => ({ twice: e.n * 2 });"},
         Handler="src/app.handler")
    node(functions, "typed", {"package.json": '{"type": "module"}',
                              "lib/main.js": "export const api = { go: async () => 'nested' };"},
         Handler="lib/main.api.go")
    assert functions.invoke("esm", {"n": 21}) == ({"twice": 42}, None)
    assert functions.invoke("typed") == ("nested", None)


def test_errors_answer_as_lambda_does(functions):
    node(functions, "throws", {"index.mjs": "export async function handler() {\n"
                                            "  throw new TypeError('bad input');\n}\n"})
    node(functions, "calls-back", {"index.js": "exports.handler = (e, c, cb) => cb(new Error('no'));"})
    node(functions, "nohandler", {"index.js": "exports.other = 1;"})
    node(functions, "nomodule", {"other.js": ""})
    answer, error = functions.invoke("throws")
    assert error == "Unhandled"
    assert answer["errorType"] == "TypeError" and answer["errorMessage"] == "bad input"
    assert "index.mjs" in answer["trace"][1] and "bootstrap" not in str(answer["trace"])
    assert functions.invoke("calls-back")[0]["errorMessage"] == "no"
    assert functions.invoke("nohandler")[0]["errorType"] == "Runtime.HandlerNotFound"
    assert functions.invoke("nomodule")[0]["errorType"] == "Runtime.ImportModuleError"


def test_timeout_kills_the_worker(functions):
    app = "const worker = Math.random(); exports.handler = async (e) => {" \
          " await new Promise((r) => setTimeout(r, e.ms || 0)); return worker; };"
    name = node(functions, "slow", {"index.js": app}, Timeout=1)
    first, _ = functions.invoke(name)
    started = time.monotonic()
    answer, error = functions.invoke(name, {"ms": 30000})
    assert time.monotonic() - started < 5
    assert error == "Unhandled" and answer["errorType"] == "Sandbox.Timedout"
    again, error = functions.invoke(name)
    assert error is None and again != first  # a fresh worker replaced the killed one


def test_console_output_goes_to_cloudwatch_logs(functions, aws):
    app = "exports.handler = async (e, c) => { console.log('hello from', c.functionName);" \
          " console.error('careful'); return 1; };"
    name = node(functions, "talker", {"index.js": app})
    functions.invoke(name)
    events = aws("logs").filter_log_events(logGroupName="/aws/lambda/talker")["events"]
    messages = [e["message"] for e in events]
    assert messages[0].startswith("START RequestId: ") and messages[-1].startswith("REPORT")
    assert any(m.endswith("\tINFO\thello from talker") for m in messages), messages
    assert any(m.endswith("\tERROR\tcareful") for m in messages), messages


def _installed_node() -> int:
    version = subprocess.run(["node", "--version"], capture_output=True, text=True).stdout
    return int(version.strip().lstrip("v").split(".")[0])


@pytest.mark.skipif(_installed_node() >= 22, reason="needs a Node.js older than nodejs22.x")
def test_a_newer_declared_runtime_runs_on_the_installed_node_with_a_warning(functions, aws):
    name = node(functions, "newer", {"index.mjs": "export const handler = async () => 'ran';"},
                Runtime="nodejs22.x")
    answer = aws("lambda").invoke(FunctionName=name, LogType="Tail")
    assert json.loads(answer["Payload"].read()) == "ran"
    log = base64.b64decode(answer["LogResult"]).decode()
    assert f"nodejs22.x functions run on the installed Node.js {_installed_node()}" in log
