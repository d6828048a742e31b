"""The processor: pays for queued orders over HTTP and records PAID / DECLINED per message."""
from __future__ import annotations

import json
import socket
import threading
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from stack_helpers import import_handler, make_table


class Provider(BaseHTTPRequestHandler):
    """Serves POST /payments with the payments-mock stack's own handler."""

    mock = import_handler("payments-mock", "payments")
    requests: list = []
    keys: list = []

    def do_POST(self):  # noqa: N802 (http.server's naming)
        body = self.rfile.read(int(self.headers["Content-Length"])).decode()
        self.requests.append((self.path, self.headers["Content-Type"], json.loads(body)))
        self.keys.append(self.headers.get("Authorization"))
        reply = self.mock.handler({"httpMethod": "POST", "body": body,
                                   "headers": dict(self.headers.items())}, None)
        self.send_response(reply["statusCode"])
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(reply["body"].encode())

    def log_message(self, *args):  # keep test output quiet
        pass


@pytest.fixture
def provider():
    """A real HTTP payment provider on 127.0.0.1; yields (url, requests, Authorization headers)."""
    server = ThreadingHTTPServer(("127.0.0.1", 0),
                                 type("P", (Provider,), {"requests": [], "keys": []}))
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield (f"http://127.0.0.1:{server.server_port}/Prod/payments",
           server.RequestHandlerClass.requests, server.RequestHandlerClass.keys)
    server.shutdown()
    server.server_close()
    thread.join()


KEY = "mock-payments-key-not-a-secret"


@pytest.fixture
def orders(aws, monkeypatch):
    monkeypatch.setenv("ORDERS_TABLE", "orders-test")
    monkeypatch.setenv("PAYMENT_API_KEY", KEY)  # what ws passes as the NoEcho parameter
    monkeypatch.setenv("EXPECTED_API_KEY", KEY)  # what the mock provider accepts
    monkeypatch.setenv("PAYMENT_TIMEOUT_SECONDS", "2")
    table = make_table("orders-test", "order_id")
    for order_id, amount in (("cheap", "45.5"), ("dear", "20000"), ("done", "10")):
        table.put_item(Item={"order_id": order_id, "amount": Decimal(amount), "currency": "EUR",
                             "status": "PAID" if order_id == "done" else "PENDING"})
    return table


def sqs_event(*order_ids: str) -> dict:
    return {"Records": [{
        "messageId": f"m-{order_id}", "receiptHandle": f"rh-{order_id}",
        "body": json.dumps({"order_id": order_id}) if order_id != "garbled" else "{oops",
        "attributes": {"ApproximateReceiveCount": "1", "SentTimestamp": "1763798400000"},
        "messageAttributes": {}, "md5OfBody": "", "eventSource": "aws:sqs",
        "eventSourceARN": "arn:aws:sqs:us-east-1:123456789012:orders-test",
        "awsRegion": "us-east-1"} for order_id in order_ids]}


def status(table, order_id: str) -> str:
    return table.get_item(Key={"order_id": order_id})["Item"]["status"]


def test_approved_and_declined_orders_are_settled(load_handler, orders, provider, monkeypatch):
    url, requests, _ = provider
    monkeypatch.setenv("PAYMENT_PROVIDER_URL", url)
    result = load_handler("orders", "processor").handler(sqs_event("cheap", "dear"), None)
    assert result == {"batchItemFailures": []}
    assert (status(orders, "cheap"), status(orders, "dear")) == ("PAID", "DECLINED")
    assert requests == [
        ("/Prod/payments", "application/json",
         {"order_id": "cheap", "amount": 45.5, "currency": "EUR"}),
        ("/Prod/payments", "application/json",
         {"order_id": "dear", "amount": 20000.0, "currency": "EUR"})]


def test_only_failed_messages_are_reported(load_handler, orders, provider, monkeypatch):
    url, requests, _ = provider
    monkeypatch.setenv("PAYMENT_PROVIDER_URL", url)
    result = load_handler("orders", "processor").handler(
        sqs_event("missing", "cheap", "garbled", "done"), None)
    assert result == {"batchItemFailures": [{"itemIdentifier": "m-missing"},
                                            {"itemIdentifier": "m-garbled"}]}
    assert status(orders, "cheap") == "PAID"
    assert status(orders, "done") == "PAID" and [r[2]["order_id"] for r in requests] == ["cheap"]


def test_unreachable_provider_fails_the_messages_and_leaves_orders_pending(
        load_handler, orders, monkeypatch):
    with socket.socket() as probe:  # a port nobody listens on once this closes
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.setenv("PAYMENT_PROVIDER_URL", f"http://127.0.0.1:{port}/Prod/payments")
    result = load_handler("orders", "processor").handler(sqs_event("cheap", "dear"), None)
    assert result == {"batchItemFailures": [{"itemIdentifier": "m-cheap"},
                                            {"itemIdentifier": "m-dear"}]}
    assert (status(orders, "cheap"), status(orders, "dear")) == ("PENDING", "PENDING")


def test_provider_errors_fail_the_message(load_handler, orders, provider, monkeypatch):
    url, _, _ = provider
    monkeypatch.setenv("PAYMENT_PROVIDER_URL", url)
    orders.put_item(Item={"order_id": "odd", "amount": Decimal("5"), "currency": "euro",
                          "status": "PENDING"})  # the provider answers 400
    result = load_handler("orders", "processor").handler(sqs_event("odd"), None)
    assert result == {"batchItemFailures": [{"itemIdentifier": "m-odd"}]}
    assert status(orders, "odd") == "PENDING"


def test_queued_order_end_to_end(load_handler, aws, orders, provider, monkeypatch):
    """An order made by the orders function is paid from the message it queued."""
    url, _, _ = provider
    sqs = aws("sqs")
    queue = sqs.create_queue(QueueName="orders-test")["QueueUrl"]
    monkeypatch.setenv("ORDERS_QUEUE_URL", queue)
    monkeypatch.setenv("PAYMENT_PROVIDER_URL", url)
    order = load_handler("orders", "orders").handler(
        {"items": [{"product_id": "mug", "quantity": 3, "price": 12.5}]}, None)["order"]
    [message] = sqs.receive_message(QueueUrl=queue)["Messages"]
    event = {"Records": [{"messageId": message["MessageId"], "body": message["Body"],
                          "eventSource": "aws:sqs"}]}
    assert load_handler("orders", "processor").handler(event, None) == {"batchItemFailures": []}
    assert status(orders, order["order_id"]) == "PAID"


def test_the_api_key_is_sent_and_a_wrong_one_fails_the_message(load_handler, orders, provider,
                                                               monkeypatch, caplog):
    url, _, _ = provider
    monkeypatch.setenv("PAYMENT_PROVIDER_URL", url)
    processor = load_handler("orders", "processor")
    assert processor.handler(sqs_event("cheap"), None) == {"batchItemFailures": []}
    monkeypatch.setenv("PAYMENT_API_KEY", "stale-key")
    assert processor.handler(sqs_event("dear"), None) == \
        {"batchItemFailures": [{"itemIdentifier": "m-dear"}]}  # 401 from the provider
    assert status(orders, "dear") == "PENDING"
    assert provider[2] == [f"Bearer {KEY}", "Bearer stale-key"]  # as the provider saw them
    assert "stale-key" not in caplog.text and KEY not in caplog.text  # never logged
