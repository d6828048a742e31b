"""Python functions run on the local endpoint (no Docker), invoked through the Lambda API."""
from __future__ import annotations

import textwrap
import time

import pytest

from lambda_helpers import Functions, zip_of

CONTEXT_APP = textwrap.dedent("""
    import os

    def handler(event, context):
        print("got", event["n"])
        return {"n": event["n"] + 1, "name": context.function_name,
                "arn": context.invoked_function_arn, "memory": context.memory_limit_in_mb,
                "request": context.aws_request_id, "group": context.log_group_name,
                "left": context.get_remaining_time_in_millis(),
                "env": {k: os.environ.get(k) for k in ("COLOUR", "AWS_ENDPOINT_URL",
                        "AWS_REGION", "AWS_ACCESS_KEY_ID", "AWS_LAMBDA_FUNCTION_NAME")}}
""")


@pytest.fixture
def functions(aws) -> Functions:
    return Functions(aws)


def test_handler_gets_event_context_and_environment(functions, moto_url):
    name = functions.create("ctx", {"app.py": CONTEXT_APP}, Timeout=7, MemorySize=256,
                            Environment={"Variables": {"COLOUR": "teal"}})
    answer, error = functions.invoke(name, {"n": 41})
    assert error is None
    assert answer["n"] == 42 and answer["name"] == "ctx" and answer["memory"] == 256
    assert answer["arn"].endswith(":function:ctx") and answer["group"] == "/aws/lambda/ctx"
    assert 5000 < answer["left"] <= 7000 and len(answer["request"]) == 36
    port = moto_url.rsplit(":", 1)[1]
    assert answer["env"] == {"COLOUR": "teal", "AWS_ENDPOINT_URL": f"http://127.0.0.1:{port}",
                             "AWS_REGION": "us-east-1", "AWS_ACCESS_KEY_ID": "testing",
                             "AWS_LAMBDA_FUNCTION_NAME": "ctx"}


def test_an_exception_answers_as_lambda_does(functions, aws):
    name = functions.create("boom", {"app.py": "def handler(e, c):\n    raise KeyError('nope')\n"})
    answer, error = functions.invoke(name)
    assert error == "Unhandled"
    assert answer["errorType"] == "KeyError" and answer["errorMessage"] == "'nope'"
    assert "app.py" in answer["stackTrace"][-1] and "worker.py" not in str(answer["stackTrace"])


def test_import_error_and_missing_handler(functions):
    functions.create("noimport", {"app.py": "import not_installed_anywhere\n"})
    functions.create("nohandler", {"app.py": "x = 1\n"})
    assert functions.invoke("noimport")[0]["errorType"] == "Runtime.ImportModuleError"
    assert functions.invoke("nohandler")[0]["errorType"] == "Runtime.HandlerNotFound"


def test_timeout_kills_the_worker_and_the_next_invoke_works(functions):
    app = textwrap.dedent("""
        import time, uuid
        WORKER = uuid.uuid4().hex  # pids repeat: each worker has a PID namespace of its own
        def handler(event, context):
            time.sleep(event.get("sleep", 0))
            return WORKER
    """)
    name = functions.create("slow", {"app.py": app}, Timeout=1)
    first, _ = functions.invoke(name)
    started = time.monotonic()
    answer, error = functions.invoke(name, {"sleep": 30})
    assert time.monotonic() - started < 5
    assert error == "Unhandled" and answer["errorType"] == "Sandbox.Timedout"
    assert "Task timed out after 1.00 seconds" in answer["errorMessage"]
    again, error = functions.invoke(name)
    assert error is None and again != first  # a fresh worker replaced the killed one


def test_boto3_in_the_function_writes_to_the_endpoint(functions, aws):
    aws("dynamodb").create_table(
        TableName="things", BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}])
    app = textwrap.dedent("""
        import os, boto3
        def handler(event, context):
            boto3.resource("dynamodb").Table(os.environ["TABLE"]).put_item(
                Item={"id": event["id"], "by": context.function_name})
            return "stored"
    """)
    name = functions.create("writer", {"app.py": app},
                            Environment={"Variables": {"TABLE": "things"}})
    assert functions.invoke(name, {"id": "a1"}) == ("stored", None)
    item = aws("dynamodb").get_item(TableName="things", Key={"id": {"S": "a1"}})["Item"]
    assert item["by"] == {"S": "writer"}


def test_output_goes_to_cloudwatch_logs(functions, aws):
    app = "import logging\ndef handler(e, c):\n    print('hello from', c.function_name)\n" \
          "    logging.getLogger('x').warning('careful')\n    return 1\n"
    name = functions.create("talker", {"app.py": app})
    functions.invoke(name)
    events = aws("logs").filter_log_events(logGroupName="/aws/lambda/talker")["events"]
    messages = [e["message"] for e in events]
    assert messages[0].startswith("START RequestId: ")
    assert "hello from talker" in messages and messages[-1].startswith("REPORT RequestId: ")
    assert any(m.startswith("[WARNING]\t") and m.endswith("\tcareful") for m in messages)


def test_a_code_change_replaces_the_warm_worker(functions, aws):
    app = "import uuid\nVERSION, WORKER = {v}, uuid.uuid4().hex\n" \
          "def handler(e, c):\n    return [VERSION, WORKER]\n"
    name = functions.create("warm", {"app.py": app.format(v=1)})
    (v1, pid1), _ = functions.invoke(name)
    (_, pid_again), _ = functions.invoke(name)
    assert v1 == 1 and pid_again == pid1  # warm: the same worker answered
    aws("lambda").update_function_code(FunctionName=name,
                                       ZipFile=zip_of({"app.py": app.format(v=2)}))
    (v2, pid2), _ = functions.invoke(name)
    assert v2 == 2 and pid2 != pid1
    aws("lambda").update_function_configuration(FunctionName=name, Timeout=9)
    (_, pid3), _ = functions.invoke(name)
    assert pid3 != pid2  # configuration counts too


def test_a_runtime_that_cannot_run_here_is_refused(functions):
    name = functions.create("java", {"App.java": "class App {}"}, Runtime="java21",
                            Handler="App::handle")
    answer, error = functions.invoke(name)
    assert error == "Unhandled" and answer["errorType"] == "Runtime.Unsupported"
    assert "java21" in answer["errorMessage"] and "Node.js" in answer["errorMessage"]


def test_asynchronous_invoke_runs_in_the_background(functions, aws):
    app = "def handler(e, c):\n    print('async', e['n'])\n"
    name = functions.create("later", {"app.py": app})
    answer = aws("lambda").invoke(FunctionName=name, InvocationType="Event", Payload=b'{"n": 7}')
    assert answer["StatusCode"] == 202
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        logs = aws("logs").filter_log_events(logGroupName="/aws/lambda/later")["events"] \
            if aws("logs").describe_log_groups(logGroupNamePrefix="/aws/lambda/later")[
                "logGroups"] else []
        if any(e["message"] == "async 7" for e in logs):
            return
        time.sleep(0.1)
    pytest.fail("the asynchronous invocation never ran")
