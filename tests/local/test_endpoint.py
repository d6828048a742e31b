"""The endpoint's lifecycle: start (idempotent), status, stop, stale records, failures."""
from __future__ import annotations

import json
import socket
import subprocess
import sys
import urllib.request

import boto3
import pytest
from ws.errors import EndpointError
from ws.local import endpoint


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_start_is_idempotent_and_stop_ends_it(tmp_path):
    info = endpoint.start(tmp_path)
    try:
        assert info.url == f"http://localhost:{info.port}"
        assert endpoint.start(tmp_path) == info == endpoint.status(tmp_path)
        assert json.loads((tmp_path / "local" / "endpoint.json").read_text())["pid"] == info.pid
        assert (tmp_path / "local" / "server.log").exists()
    finally:
        assert endpoint.stop(tmp_path) is True
    assert endpoint.status(tmp_path) is None
    assert not (tmp_path / "local" / "endpoint.json").exists()
    assert endpoint.stop(tmp_path) is False
    with pytest.raises(OSError):
        urllib.request.urlopen(f"http://127.0.0.1:{info.port}/moto-api/", timeout=1)


def test_two_runs_starting_at_once_share_one_endpoint(tmp_path):
    from concurrent.futures import ThreadPoolExecutor
    with ThreadPoolExecutor(2) as pool:
        first, second = pool.map(lambda _: endpoint.start(tmp_path), range(2))
    try:
        assert first == second == endpoint.status(tmp_path)
    finally:
        endpoint.stop(tmp_path)


def test_stale_record_is_cleaned_and_replaced(tmp_path):
    state = tmp_path / "local" / "endpoint.json"
    state.parent.mkdir()
    state.write_text(json.dumps({"url": "http://localhost:1", "port": 1, "pid": _dead_pid(),
                                 "started_at": 0.0}))
    assert endpoint.status(tmp_path) is None
    assert endpoint.stop(tmp_path) is False
    assert not state.exists()
    state.write_text("not json")
    info = endpoint.start(tmp_path)
    try:
        assert endpoint.status(tmp_path) == info
    finally:
        endpoint.stop(tmp_path)


def test_stop_leaves_a_foreign_process_with_a_recycled_pid_alone(tmp_path):
    other = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        state = tmp_path / "local" / "endpoint.json"
        state.parent.mkdir()
        state.write_text(json.dumps({"url": "http://localhost:1", "port": 1,
                                     "pid": other.pid, "started_at": 0.0}))
        assert endpoint.status(tmp_path) is None
        assert endpoint.stop(tmp_path) is False
        assert other.poll() is None and not state.exists()
    finally:
        other.kill()
        other.wait()


def test_a_server_that_cannot_bind_is_an_error_naming_the_log(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        with pytest.raises(EndpointError) as error:
            endpoint.start(tmp_path, port=taken.getsockname()[1], timeout=10)
    assert str(tmp_path / "local" / "server.log") in str(error.value)
    assert endpoint.status(tmp_path) is None


def test_reset_forgets_everything(local_endpoint):
    s3 = boto3.client("s3", endpoint_url=local_endpoint.url, region_name="us-east-1",
                      aws_access_key_id="testing", aws_secret_access_key="testing")
    s3.create_bucket(Bucket="kept-until-reset")
    endpoint.reset(local_endpoint.url)
    assert s3.list_buckets()["Buckets"] == []


def test_reset_of_a_missing_endpoint_is_an_endpoint_error():
    with socket.socket() as free:
        free.bind(("127.0.0.1", 0))
        port = free.getsockname()[1]
    with pytest.raises(EndpointError, match="cannot reset"):
        endpoint.reset(f"http://localhost:{port}")


def test_providers_register_idempotently():
    from moto.cloudformation import parsing
    from ws.local import providers
    providers.register()
    providers.register()
    model_map = parsing.get_model_map()
    for provider in providers.PROVIDERS:
        assert model_map[provider.TYPE] is provider
    assert {"AWS::Cognito::UserPool", "AWS::ApiGateway::Stage",
            "AWS::S3::BucketPolicy"} <= providers.supported_types()


def test_a_corrupted_record_does_not_orphan_the_running_server(tmp_path):
    first = endpoint.start(tmp_path)
    (tmp_path / "local" / "endpoint.json").write_bytes(b"\x00garbage")
    assert endpoint.status(tmp_path) is None
    second = endpoint.start(tmp_path)  # finds the unrecorded server by its command line
    try:
        assert second.pid != first.pid and endpoint.status(tmp_path) == second
        with pytest.raises(OSError):  # the first one is gone, not left running
            urllib.request.urlopen(f"http://127.0.0.1:{first.port}/moto-api/", timeout=1)
    finally:
        endpoint.stop(tmp_path)


def test_a_moto_the_endpoint_was_not_written_for_is_refused_clearly():
    endpoint.check_moto(endpoint.MOTO_MINOR + ".9")  # any patch release of the minor is fine
    with pytest.raises(EndpointError, match=r"written for moto 5\.2\.x, but moto 5\.3\.0") as err:
        endpoint.check_moto("5.3.0")
    assert "requirements.lock" in err.value.hint


def test_a_service_moto_lacks_answers_once_and_names_itself(aws):
    """Not an HTML 500 that SDKs retry four times: a 501 JSON error, read and not retried."""
    from botocore.exceptions import ClientError
    client = aws("qbusiness")
    with pytest.raises(ClientError) as info:
        client.start_data_source_sync_job(applicationId="a" * 36, indexId="i" * 36,
                                          dataSourceId="d" * 36)
    answer = info.value.response
    assert answer["ResponseMetadata"]["HTTPStatusCode"] == 501
    assert answer["ResponseMetadata"]["RetryAttempts"] == 0
    assert answer["Error"]["Code"] == "NotImplementedException"
    assert "no qbusiness API" in answer["Error"]["Message"]
    assert aws("sqs").list_queues().get("QueueUrls", []) == []  # the rest still answers
