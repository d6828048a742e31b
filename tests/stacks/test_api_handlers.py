"""The API's functions: proxy responses for products and for the signed-in customer's orders."""
from __future__ import annotations

import json
from decimal import Decimal

import pytest

from stack_helpers import api_event, make_table


def body(reply: dict) -> object:
    assert reply["headers"]["Content-Type"] == "application/json"
    return json.loads(reply["body"])


@pytest.fixture
def products(aws, monkeypatch, load_handler):
    monkeypatch.setenv("PRODUCTS_TABLE", "products-test")
    table = make_table("products-test", "product_id")
    for product_id, price in (("tee", "20"), ("mug", "12.5")):
        table.put_item(Item={"product_id": product_id, "price": Decimal(price)})
    return load_handler("api", "products")


def test_list_products_sorted(products):
    reply = products.handler(api_event("GET", "/products", "/products"), None)
    assert reply["statusCode"] == 200
    assert body(reply) == {"products": [{"product_id": "mug", "price": 12.5},
                                        {"product_id": "tee", "price": 20}]}


def test_get_product_or_404(products):
    found = products.handler(api_event("GET", "/products/{product_id}", "/products/tee",
                                       path_parameters={"product_id": "tee"}), None)
    assert found["statusCode"] == 200 and body(found) == {"product_id": "tee", "price": 20}
    missing = products.handler(api_event("GET", "/products/{product_id}", "/products/hat",
                                         path_parameters={"product_id": "hat"}), None)
    assert missing["statusCode"] == 404 and "hat" in body(missing)["error"]


@pytest.fixture
def orders_api(aws, monkeypatch, load_handler):
    """The orders table and queue, and the function wired to them; yields (module, sqs, url)."""
    make_table("orders-test", "order_id")
    sqs = aws("sqs")
    url = sqs.create_queue(QueueName="orders-test")["QueueUrl"]
    monkeypatch.setenv("ORDERS_TABLE", "orders-test")
    monkeypatch.setenv("ORDERS_QUEUE_URL", url)
    return load_handler("api", "orders_api"), sqs, url


def post_order(module, payload, sub="customer-1"):
    return module.handler(api_event("POST", "/orders", "/orders", payload, sub=sub), None)


def get_order(module, order_id, sub="customer-1"):
    return module.handler(api_event("GET", "/orders/{order_id}", f"/orders/{order_id}",
                                    path_parameters={"order_id": order_id}, sub=sub), None)


def test_post_then_get_own_order(orders_api):
    module, sqs, url = orders_api
    created = post_order(module, {"items": [{"product_id": "mug", "quantity": 2,
                                             "price": 12.5}]})
    assert created["statusCode"] == 201
    order = body(created)
    assert order["customer"] == "customer-1" and order["status"] == "PENDING"
    assert order["amount"] == 25 and order["currency"] == "EUR"
    [message] = sqs.receive_message(QueueUrl=url)["Messages"]
    assert json.loads(message["Body"]) == {"order_id": order["order_id"], "amount": 25.0,
                                           "currency": "EUR"}
    fetched = get_order(module, order["order_id"])
    assert fetched["statusCode"] == 200 and body(fetched) == order


def test_other_customers_orders_are_not_found(orders_api):
    module = orders_api[0]
    order = body(post_order(module, {"items": [{"product_id": "tee", "quantity": 1,
                                                "price": 20}]}))
    assert get_order(module, order["order_id"], sub="customer-2")["statusCode"] == 404
    assert get_order(module, "no-such-order")["statusCode"] == 404


@pytest.mark.parametrize("payload", [
    "not json", {"items": []}, {"items": [{"product_id": "tee", "quantity": -1, "price": 1}]},
    {"items": [{"product_id": "tee", "quantity": 1, "price": 0}]},
    {"items": [{"product_id": "tee", "quantity": 1, "price": 1}], "currency": 5}, None])
def test_bad_orders_are_400_and_not_queued(orders_api, payload):
    module, sqs, url = orders_api
    reply = post_order(module, payload)
    assert reply["statusCode"] == 400 and body(reply)["error"]
    assert "Messages" not in sqs.receive_message(QueueUrl=url)


def test_without_claims_is_401(orders_api):
    reply = post_order(orders_api[0], {"items": []}, sub=None)
    assert reply["statusCode"] == 401
