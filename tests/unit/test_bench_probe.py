"""bench_corpus's route probe: what counts as the local gateway refusing a route."""
from __future__ import annotations

import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[1] / "bench"
sys.path.insert(0, str(BENCH))

from corpus_probe import refused  # noqa: E402


def test_an_answer_of_the_api_is_not_a_refusal():
    assert not refused(200, {}, "ok")
    assert not refused(502, {}, '{"message": "Internal server error"}')  # the function's fault
    assert not refused(503, {}, '{"error": "the backend is down"}')  # the function's own 503


def test_the_gateways_own_refusals():
    assert refused(0, {}, "")
    assert refused(403, {"x-amzn-ErrorType": "MissingAuthenticationTokenException"}, "{}")
    assert refused(500, {}, '{"message": "Internal server error"}')


def test_a_hop_that_does_not_run_locally_is_a_refusal():
    ecs = ('{"message": "ECS service my-service behind load balancer lb-1 does not run '
           'locally (no containers here): test it on AWS"}')
    assert refused(503, {"x-amzn-ErrorType": "ServiceUnavailableException"}, ecs)
    assert refused(503, {}, ecs)  # an HTTP API's answer has no error type header
    assert refused(503, {}, '{"message": "vpce-svc-1, which is not on the local endpoint"}')


def test_an_http_apis_own_refusals():
    assert refused(404, {}, '{"message":"Not Found"}')  # no route
    assert refused(500, {}, '{"message":"Internal Server Error"}')  # the integration failed
    assert not refused(404, {}, '{"error": "no such order"}')  # the function's own 404


def test_the_run_removes_its_scratch_copy_unless_kept(tmp_path, monkeypatch):
    import types

    import corpus_run
    made = tmp_path / "wscorpus-x"
    monkeypatch.setattr(corpus_run.tempfile, "mkdtemp", lambda prefix: (made.mkdir(), str(made))[1])
    corpus_run.run([], types.SimpleNamespace(keep=False), ())
    assert not made.exists()
    corpus_run.run([], types.SimpleNamespace(keep=True), ())
    assert made.is_dir()


def test_an_http_api_is_called_on_its_own_stage():
    from corpus_probe import http_stage
    assert http_stage(["$default", "prod"]) == ""
    assert http_stage(["prod"]) == "/prod"
    assert http_stage([]) == ""


def test_an_iam_route_is_called_signed():
    from corpus_probe import signed
    headers = signed("http://127.0.0.1:1/_ws/api/abc/prod/orders", "GET", None)
    assert headers["Authorization"].startswith("AWS4-HMAC-SHA256 Credential=AKIDCORPUSBENCH/")
    assert "/us-east-1/execute-api/aws4_request" in headers["Authorization"]


def test_a_websocket_upgrade_is_signed_without_a_content_type():
    from corpus_probe import signed
    headers = signed("http://127.0.0.1:1/_ws/api/abc/prod", "GET", None, json=False)
    assert "content-type" not in headers["Authorization"].split("SignedHeaders=")[1]
