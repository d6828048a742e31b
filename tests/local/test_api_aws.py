"""AWS integrations with Velocity mapping templates: a Lambda custom integration (request and
response templates, errors selected by errorMessage) and service integrations (SQS, DynamoDB,
Step Functions, S3) run against the endpoint's own backends."""
from __future__ import annotations

import json

import pytest
from lambda_standin import standin_endpoint

from apistore import call
from awsstore import deploy, template
from ws.local.urls import local_api_url

pytest.importorskip("airspeed", reason="mapping templates need the airspeed package")
JSON = {"Content-Type": "application/json"}


@pytest.fixture(scope="module")
def served():
    """One in-process endpoint with the stand-in runner, emptied once: the module's tests
    share what its fixture deploys (each touches its own keys)."""
    with standin_endpoint() as url:
        yield url


@pytest.fixture
def moto_url(served):
    """Overrides the shared fixture: the module's endpoint, not emptied between tests."""
    return served


@pytest.fixture(scope="module")
def api(served):
    out = deploy(served, "aws-integrations", template())
    return local_api_url(served, out["ApiId"], "v1"), out


def _json(base: str, path: str, method: str = "GET", body: object = None,
          headers: dict | None = None) -> tuple[int, dict, object]:
    data = json.dumps(body).encode() if body is not None else None
    status, answer_headers, raw = call(base + path, method=method, body=data,
                                       headers=headers if headers is not None else JSON)
    return status, answer_headers, json.loads(raw) if raw else None


def test_lambda_custom_integration_maps_request_and_response(api):
    base, _ = api
    status, headers, body = _json(base, "/orders/o-1?tag=red", "POST",
                                  {"qty": 3, "note": 'say "hi"'})
    assert status == 200, body
    assert body == {"order": "o-1", "qty": 3, "flag": True, "note": 'say "hi"'}
    assert headers["X-Order"] == "o-1" and headers["Content-Type"] == "application/json"


def test_lambda_event_invocation_answers_at_once(api):
    base, _ = api
    status, _, body = _json(base, "/orders/missing/later", "POST", {"qty": 1})
    assert (status, body) == (202, {"accepted": True})  # the function's error is not seen


def test_passthrough_never_refuses_other_media_types(api):
    base, _ = api
    status, _, body = call(base + "/orders/o-1", method="POST", body=b"qty=1",
                           headers={"Content-Type": "text/plain"})
    assert (status, json.loads(body)) == (415, {"message": "Unsupported Media Type"})


def test_lambda_error_is_selected_by_its_message(api):
    base, _ = api
    status, _, body = _json(base, "/orders/missing", "POST", {"qty": 1})
    assert (status, body) == (404, {"error": "NotFound: order missing"})


def test_sqs_send_message(api, aws):
    base, out = api
    status, _, body = _json(base, "/queue", "POST", {"job": 7})
    assert (status, body) == (200, {"queued": True})
    messages = aws("sqs").receive_message(QueueUrl=out["QueueUrl"])["Messages"]
    assert [json.loads(m["Body"]) for m in messages] == [{"job": 7}]


def test_sqs_send_message_action_with_query_parameters(api, aws):
    base, out = api
    status, _, body = _json(base, "/queue-action", "POST", {"job": "j-2"})
    assert (status, body) == (200, {"queued": "action"})
    sqs = aws("sqs")
    bodies = [m["Body"] for m in sqs.receive_message(QueueUrl=out["QueueUrl"],
                                                     MaxNumberOfMessages=10)["Messages"]]
    assert "j-2" in bodies


def test_dynamodb_query(api):
    base, _ = api
    _json(base, "/items/q1", "PUT", {"name": "queried"})
    assert _json(base, "/items?id=q1")[::2] == (200, [{"name": "queried"}])


def test_dynamodb_put_and_get_item(api):
    base, _ = api
    assert _json(base, "/items/i1", "PUT", {"name": 'a "quoted" name'})[::2] == (
        200, {"saved": "i1"})
    assert _json(base, "/items/i1")[::2] == (200, {"id": "i1", "name": 'a "quoted" name'})
    assert _json(base, "/items/none")[::2] == (404, {"message": "no such item"})


def test_step_functions_start_execution(api, aws):
    base, out = api
    status, _, body = _json(base, "/run", "POST", {"order": "o-9"})
    assert status == 200, body
    execution = aws("stepfunctions").describe_execution(executionArn=body["execution"])
    assert execution["stateMachineArn"] == out["Machine"]
    assert json.loads(execution["input"]) == {"order": "o-9"}


def test_s3_put_object(api, aws):
    base, _ = api
    status, _, body = _json(base, "/files/report.txt", "PUT", {"line": 1})
    assert (status, body) == (200, {"stored": "report.txt"})
    stored = aws("s3").get_object(Bucket="api-files", Key="report.txt")["Body"].read()
    assert json.loads(stored) == {"line": 1}
