"""The processor: pays for queued orders over HTTP and records PAID / DECLINED per message."""
from __future__ import annotations

import json
import socket
import threading
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from stack_helpers import api_event, import_handler, make_table


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
KEY_PARAMETER = "/store-test-payments-mock/api-key"


@pytest.fixture
def orders(aws, monkeypatch):
    monkeypatch.setenv("ORDERS_TABLE", "orders-test")
    aws("ssm").put_parameter(Name=KEY_PARAMETER, Value=KEY, Type="SecureString")
    monkeypatch.setenv("PAYMENT_KEY_PARAMETER", KEY_PARAMETER)  # the NAME, from the template
    monkeypatch.setenv("EXPECTED_API_KEY", KEY)  # what the mock provider accepts
    monkeypatch.setenv("PAYMENT_TIMEOUT_SECONDS", "2")
    monkeypatch.setenv("PRODUCTS_TABLE", "catalog-test")  # read for orders with items
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
    """An order taken by the API, priced from the catalog, is paid from the message it queued;
    five espresso machines (12,250 EUR) are over the mock's limit of 10,000: DECLINED."""
    url, requests, _ = provider
    sqs = aws("sqs")
    queue = sqs.create_queue(QueueName="orders-test")["QueueUrl"]
    catalog = make_table("catalog-test", "product_id")
    catalog.put_item(Item={"product_id": "espresso", "name": "Espresso machine",
                           "price": Decimal("2450"), "currency": "EUR"})
    for var, value in {"ORDERS_QUEUE_URL": queue, "PAYMENT_PROVIDER_URL": url,
                       "PRODUCTS_TABLE": "catalog-test"}.items():
        monkeypatch.setenv(var, value)
    api, processor = load_handler("api", "orders_api"), load_handler("orders", "processor")
    placed = [json.loads(api.handler(api_event("POST", "/orders", "/orders", {"items": [
        {"product_id": "espresso", "quantity": quantity, "price": 1}]}), None)["body"])
        for quantity in (4, 5)]
    messages = sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=10)["Messages"]
    event = {"Records": [{"messageId": m["MessageId"], "body": m["Body"],
                          "eventSource": "aws:sqs"} for m in messages]}
    assert processor.handler(event, None) == {"batchItemFailures": []}
    assert [status(orders, order["order_id"]) for order in placed] == ["PAID", "DECLINED"]
    assert sorted(r[2]["amount"] for r in requests) == [9800.0, 12250.0]


def test_the_key_is_read_from_ssm_once_per_container(load_handler, orders, provider,
                                                     monkeypatch, caplog):
    url, _, keys = provider
    monkeypatch.setenv("PAYMENT_PROVIDER_URL", url)
    processor = load_handler("orders", "processor")
    reads = []
    processor.ssm().meta.events.register(
        "before-parameter-build.ssm.GetParameter",
        lambda params, **kwargs: reads.append((params["Name"], params["WithDecryption"])))
    processor.handler(sqs_event("cheap"), None)
    processor.handler(sqs_event("dear"), None)
    assert reads == [(KEY_PARAMETER, True)]
    assert keys == [f"Bearer {KEY}"] * 2 and KEY not in caplog.text  # never logged


def test_a_rotated_key_is_read_again_after_the_provider_refuses_the_old_one(
        load_handler, aws, orders, provider, monkeypatch, caplog):
    url, _, keys = provider
    monkeypatch.setenv("PAYMENT_PROVIDER_URL", url)
    processor = load_handler("orders", "processor")
    assert processor.handler(sqs_event("cheap"), None) == {"batchItemFailures": []}
    aws("ssm").put_parameter(Name=KEY_PARAMETER, Value="rotated-key", Type="SecureString",
                             Overwrite=True)
    monkeypatch.setenv("EXPECTED_API_KEY", "rotated-key")  # the provider rotated it
    assert processor.handler(sqs_event("dear"), None) == \
        {"batchItemFailures": [{"itemIdentifier": "m-dear"}]}  # 401: the cached key is stale
    assert status(orders, "dear") == "PENDING"
    assert processor.handler(sqs_event("dear"), None) == {"batchItemFailures": []}  # retried
    assert status(orders, "dear") == "DECLINED"
    assert keys == [f"Bearer {KEY}", f"Bearer {KEY}", "Bearer rotated-key"]
    assert "rotated-key" not in caplog.text and KEY not in caplog.text  # never logged


def test_a_missing_key_parameter_fails_the_messages(load_handler, orders, provider,
                                                    monkeypatch):
    url, requests, _ = provider
    monkeypatch.setenv("PAYMENT_PROVIDER_URL", url)
    monkeypatch.setenv("PAYMENT_KEY_PARAMETER", "/nobody/made/this")
    result = load_handler("orders", "processor").handler(sqs_event("cheap"), None)
    assert result == {"batchItemFailures": [{"itemIdentifier": "m-cheap"}]}
    assert status(orders, "cheap") == "PENDING" and requests == []


def stocked(orders, **stock: int):
    """A catalog with these products' stock, and a PENDING order of each `name=quantity`."""
    catalog = make_table("catalog-test", "product_id")
    prices = {"mug": "12.5", "espresso": "2450", "tote": "9.5"}
    for product_id, count in stock.items():
        catalog.put_item(Item={"product_id": product_id, "price": Decimal(prices[product_id]),
                               "name": product_id.title(), "stock": count})
    catalog.put_item(Item={"product_id": "tote", "price": Decimal("9.5"), "name": "Tote"})
    return catalog


def pending(orders, order_id: str, **quantities: int) -> None:
    prices = {"mug": Decimal("12.5"), "espresso": Decimal("2450"), "tote": Decimal("9.5")}
    orders.put_item(Item={
        "order_id": order_id, "status": "PENDING", "currency": "EUR",
        "amount": sum(prices[p] * q for p, q in quantities.items()),
        "items": [{"product_id": p, "name": p.title(), "quantity": q}
                  for p, q in quantities.items()]})


def stock_of(catalog, product_id: str):
    return catalog.get_item(Key={"product_id": product_id})["Item"].get("stock")


def test_a_paid_order_takes_its_stock_and_a_declined_one_gives_it_back(
        load_handler, orders, provider, monkeypatch):
    monkeypatch.setenv("PAYMENT_PROVIDER_URL", provider[0])
    catalog = stocked(orders, mug=3, espresso=5)
    pending(orders, "two-mugs", mug=2, tote=1)  # the tote's stock is not counted
    pending(orders, "five-machines", espresso=5)  # 12,250 EUR: over the mock's limit
    processor = load_handler("orders", "processor")
    assert processor.handler(sqs_event("two-mugs", "five-machines"), None) == \
        {"batchItemFailures": []}
    assert (status(orders, "two-mugs"), status(orders, "five-machines")) == ("PAID", "DECLINED")
    assert (stock_of(catalog, "mug"), stock_of(catalog, "espresso")) == (1, 5)
    assert stock_of(catalog, "tote") is None
    declined = orders.get_item(Key={"order_id": "five-machines"})["Item"]
    assert declined["reason"] == "payment declined"
    processor.handler(sqs_event("two-mugs", "five-machines"), None)  # delivered again
    assert (stock_of(catalog, "mug"), stock_of(catalog, "espresso")) == (1, 5)


def test_a_sold_out_order_is_declined_without_paying(load_handler, orders, provider,
                                                     monkeypatch):
    url, requests, _ = provider
    monkeypatch.setenv("PAYMENT_PROVIDER_URL", url)
    catalog = stocked(orders, mug=1, espresso=1)
    pending(orders, "too-many", mug=2, espresso=1)
    assert load_handler("orders", "processor").handler(sqs_event("too-many"), None) == \
        {"batchItemFailures": []}
    order = orders.get_item(Key={"order_id": "too-many"})["Item"]
    assert (order["status"], order["reason"]) == ("DECLINED", "sold out: Mug")
    assert requests == [] and (stock_of(catalog, "mug"), stock_of(catalog, "espresso")) == (1, 1)


def test_stock_taken_before_a_failed_payment_is_taken_once(load_handler, orders, provider,
                                                           monkeypatch):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.setenv("PAYMENT_PROVIDER_URL", f"http://127.0.0.1:{port}/Prod/payments")
    catalog = stocked(orders, mug=3)
    pending(orders, "two-mugs", mug=2)
    processor = load_handler("orders", "processor")
    assert processor.handler(sqs_event("two-mugs"), None)["batchItemFailures"]
    assert (status(orders, "two-mugs"), stock_of(catalog, "mug")) == ("PENDING", 1)
    monkeypatch.setenv("PAYMENT_PROVIDER_URL", provider[0])  # the provider is back: redelivered
    assert processor.handler(sqs_event("two-mugs"), None) == {"batchItemFailures": []}
    assert (status(orders, "two-mugs"), stock_of(catalog, "mug")) == ("PAID", 1)
