"""The orders function: validate, store as PENDING and queue for payment; read back by id."""
from __future__ import annotations

import json
from decimal import Decimal

import pytest

from stack_helpers import make_table

ITEMS = [{"product_id": "mug", "quantity": 2, "price": 12.5},
         {"product_id": "tee", "quantity": 1, "price": 20}]


@pytest.fixture
def world(aws, monkeypatch, load_handler):
    """The orders table and queue, and a fresh orders module wired to them."""
    table = make_table("orders-test", "order_id")
    sqs = aws("sqs")
    url = sqs.create_queue(QueueName="orders-test")["QueueUrl"]
    monkeypatch.setenv("ORDERS_TABLE", "orders-test")
    monkeypatch.setenv("ORDERS_QUEUE_URL", url)
    return load_handler("orders", "orders"), table, sqs, url


def messages(sqs, url):
    reply = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)
    return [json.loads(m["Body"]) for m in reply.get("Messages", [])]


def test_create_stores_pending_order_and_queues_it(world):
    orders, table, sqs, url = world
    result = orders.handler({"items": ITEMS, "currency": "USD", "customer": "c-1"}, None)
    order = result["order"]
    assert order["status"] == "PENDING" and order["amount"] == 45 and order["currency"] == "USD"
    json.dumps(result)  # Lambda must be able to serialise the result
    stored = table.get_item(Key={"order_id": order["order_id"]})["Item"]
    assert stored["amount"] == Decimal("45.0") and stored["customer"] == "c-1"
    assert messages(sqs, url) == [{"order_id": order["order_id"], "amount": 45.0,
                                   "currency": "USD"}]


def test_get_returns_the_order_or_an_error(world):
    orders = world[0]
    created = orders.create_order({"items": ITEMS, "amount": 45})["order"]
    assert orders.handler({"action": "get", "order_id": created["order_id"]}, None) == \
        {"order": created}
    assert orders.get_order("missing") is None
    assert orders.handler({"action": "get", "order_id": "missing"}, None) == \
        {"error": "no such order"}


@pytest.mark.parametrize("event, complaint", [
    ({}, "non-empty list"),
    ({"items": []}, "non-empty list"),
    ({"items": [{"product_id": "mug", "quantity": 0, "price": 1}]}, "quantity"),
    ({"items": [{"product_id": "mug", "quantity": 1.5, "price": 1}]}, "quantity"),
    ({"items": [{"product_id": "mug", "quantity": 1, "price": "1"}]}, "price"),
    ({"items": [{"quantity": 1, "price": 1}]}, "product_id"),
    ({"items": [{"product_id": "free", "quantity": 1, "price": 0}]}, "positive"),
    ({"items": ITEMS, "amount": 44.99}, "does not match"),
])
def test_invalid_orders_are_refused_and_nothing_is_written(world, event, complaint):
    orders, table, sqs, url = world
    assert complaint in orders.handler(event, None)["error"]
    assert table.scan()["Count"] == 0 and messages(sqs, url) == []
