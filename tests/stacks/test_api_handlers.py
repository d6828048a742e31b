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


CATALOG = {"mug": ("Store mug", "12.5", "EUR"), "tee": ("Store T-shirt", "20", "EUR"),
           "espresso": ("Espresso machine", "2450", "EUR"), "pen": ("Pen", "2", "USD"),
           "free": ("Free sticker", "0", "EUR"), "odd": ("Unpriced", None, "EUR")}


STOCK = {"mug": 40, "tee": 3, "cap": 0}  # the others' stock is not counted
CATALOG["cap"] = ("Store cap", "15", "EUR")


def catalog(name: str = "catalog-test"):
    """A products table holding CATALOG, as the catalog stack's seeding leaves it."""
    table = make_table(name, "product_id")
    for product_id, (title, price, currency) in CATALOG.items():
        item = {"product_id": product_id, "name": title, "currency": currency,
                **({"stock": STOCK[product_id]} if product_id in STOCK else {})}
        table.put_item(Item={**item, "price": Decimal(price)} if price else item)
    return table


def orders_table_with_index(name: str):
    """The orders table as the orders stack declares it: by order_id, indexed by customer."""
    import boto3
    return boto3.resource("dynamodb").create_table(
        TableName=name, BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[{"AttributeName": a, "AttributeType": "S"}
                              for a in ("order_id", "customer", "created_at")],
        KeySchema=[{"AttributeName": "order_id", "KeyType": "HASH"}],
        GlobalSecondaryIndexes=[{"IndexName": "ByCustomer", "Projection": {"ProjectionType": "ALL"},
                                 "KeySchema": [{"AttributeName": "customer", "KeyType": "HASH"},
                                               {"AttributeName": "created_at", "KeyType": "RANGE"}]}])


@pytest.fixture
def orders_api(aws, monkeypatch, load_handler):
    """The catalog, the orders table and queue, and the function wired to them; yields
    (module, sqs, url)."""
    catalog()
    orders_table_with_index("orders-test")
    sqs = aws("sqs")
    url = sqs.create_queue(QueueName="orders-test")["QueueUrl"]
    monkeypatch.setenv("PRODUCTS_TABLE", "catalog-test")
    monkeypatch.setenv("ORDERS_TABLE", "orders-test")
    monkeypatch.setenv("ORDERS_QUEUE_URL", url)
    monkeypatch.setenv("ORDERS_INDEX", "ByCustomer")
    return load_handler("api", "orders_api"), sqs, url


def post_order(module, payload, sub="customer-1"):
    return module.handler(api_event("POST", "/orders", "/orders", payload, sub=sub), None)


def get_order(module, order_id, sub="customer-1"):
    return module.handler(api_event("GET", "/orders/{order_id}", f"/orders/{order_id}",
                                    path_parameters={"order_id": order_id}, sub=sub), None)


def queued(sqs, url) -> list:
    reply = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)
    return [json.loads(m["Body"]) for m in reply.get("Messages", [])]


def test_post_then_get_own_order_priced_from_the_catalog(orders_api):
    module, sqs, url = orders_api
    created = post_order(module, {"items": [{"product_id": "mug", "quantity": 2},
                                            {"product_id": "tee", "quantity": 1}]})
    assert created["statusCode"] == 201
    order = body(created)
    assert order["customer"] == "customer-1" and order["status"] == "PENDING"
    assert order["amount"] == 45 and order["currency"] == "EUR"
    assert order["items"] == [
        {"product_id": "mug", "name": "Store mug", "quantity": 2, "unit_price": 12.5,
         "line_total": 25},
        {"product_id": "tee", "name": "Store T-shirt", "quantity": 1, "unit_price": 20,
         "line_total": 20}]
    assert queued(sqs, url) == [{"order_id": order["order_id"], "amount": 45.0,
                                 "currency": "EUR"}]
    fetched = get_order(module, order["order_id"])
    assert fetched["statusCode"] == 200 and body(fetched) == order


def test_client_prices_and_currency_are_ignored(orders_api):
    """Tampering does not pay: the catalog's price is charged whatever the client sends."""
    module, sqs, url = orders_api
    order = body(post_order(module, {"currency": "JPY", "amount": 0.01, "items": [
        {"product_id": "espresso", "quantity": 1, "price": 0.01, "unit_price": 0.01}]}))
    assert (order["amount"], order["currency"]) == (2450, "EUR")
    assert order["items"][0]["unit_price"] == 2450 and "price" not in order["items"][0]
    assert queued(sqs, url)[0]["amount"] == 2450.0


def test_duplicate_lines_are_merged(orders_api):
    module = orders_api[0]
    order = body(post_order(module, {"items": [{"product_id": "mug", "quantity": 1},
                                               {"product_id": "tee", "quantity": 1},
                                               {"product_id": "mug", "quantity": 2}]}))
    assert [(i["product_id"], i["quantity"], i["line_total"]) for i in order["items"]] == \
        [("mug", 3, 37.5), ("tee", 1, 20)]
    assert order["amount"] == 57.5


def test_unknown_products_are_400_naming_them(orders_api):
    module, sqs, url = orders_api
    reply = post_order(module, {"items": [{"product_id": "hat", "quantity": 1},
                                          {"product_id": "mug", "quantity": 1},
                                          {"product_id": "scarf", "quantity": 2}]})
    assert reply["statusCode"] == 400
    assert body(reply) == {"error": "unknown product_id: hat, scarf"}
    assert queued(sqs, url) == []


def test_the_catalog_is_read_with_one_batch_get(orders_api, aws):
    module = orders_api[0]
    calls = []
    module.dynamodb().meta.client.meta.events.register(
        "before-call.dynamodb.*", lambda model, **kwargs: calls.append(model.name))
    post_order(module, {"items": [{"product_id": p, "quantity": 1} for p in ("mug", "tee")]})
    assert calls == ["BatchGetItem", "PutItem"]


@pytest.mark.parametrize("payload, complaint", [
    ("not json", "body must be JSON"),
    (None, "body must be JSON"),
    ([1, 2], "JSON object"),
    ({}, "non-empty list"),
    ({"items": []}, "non-empty list"),
    ({"items": ["mug"]}, "product_id"),
    ({"items": [{"quantity": 1}]}, "product_id"),
    ({"items": [{"product_id": "tee", "quantity": -1}]}, "quantity of tee"),
    ({"items": [{"product_id": "tee", "quantity": 0}]}, "quantity of tee"),
    ({"items": [{"product_id": "tee", "quantity": 1.5}]}, "quantity of tee"),
    ({"items": [{"product_id": "tee", "quantity": True}]}, "quantity of tee"),
    ({"items": [{"product_id": "tee", "quantity": "2"}]}, "quantity of tee"),
    ({"items": [{"product_id": "tee", "quantity": 100}]}, "at most 99 of a product"),
    ({"items": [{"product_id": "tee", "quantity": 60}] * 2},
     "at most 99 of a product per order: tee"),
    ({"items": [{"product_id": f"p{i}", "quantity": 1} for i in range(51)]}, "at most 50"),
    ({"items": [{"product_id": "free", "quantity": 3}]}, "amount must be positive"),
    ({"items": [{"product_id": "mug", "quantity": 1},
                {"product_id": "pen", "quantity": 1}]}, "different currencies (EUR, USD)"),
    ({"items": [{"product_id": "odd", "quantity": 1}]}, "odd cannot be ordered"),
])
def test_bad_orders_are_400_and_nothing_is_stored_or_queued(orders_api, payload, complaint):
    module, sqs, url = orders_api
    reply = post_order(module, payload)
    assert reply["statusCode"] == 400 and complaint in body(reply)["error"]
    assert queued(sqs, url) == []
    assert module.orders_table().scan()["Count"] == 0


def list_orders(module, sub="customer-1"):
    return module.handler(api_event("GET", "/orders", "/orders", sub=sub), None)


def test_a_customer_lists_their_own_orders_newest_first(orders_api):
    module = orders_api[0]
    placed = [body(post_order(module, {"items": [{"product_id": p, "quantity": 1}]}))
              for p in ("mug", "tee", "espresso")]
    other = body(post_order(module, {"items": [{"product_id": "mug", "quantity": 1}]},
                            sub="customer-2"))
    mine = list_orders(module)
    assert mine["statusCode"] == 200
    assert [o["order_id"] for o in body(mine)["orders"]] == \
        [o["order_id"] for o in reversed(placed)]
    assert body(mine)["orders"][0] == placed[-1]  # whole orders, as GET /orders/{id} gives them
    assert [o["order_id"] for o in body(list_orders(module, "customer-2"))["orders"]] == \
        [other["order_id"]]
    assert body(list_orders(module, "customer-3")) == {"orders": []}


@pytest.mark.parametrize("items, complaint", [
    ([{"product_id": "tee", "quantity": 4}], "not enough stock: Store T-shirt (tee): 4 ordered, "
                                             "3 left"),
    ([{"product_id": "mug", "quantity": 1}, {"product_id": "cap", "quantity": 1}],
     "not enough stock: Store cap (cap) is sold out"),
    ([{"product_id": "tee", "quantity": 2}, {"product_id": "tee", "quantity": 2}],
     "Store T-shirt (tee): 4 ordered, 3 left"),  # merged lines count together
])
def test_more_than_the_stock_is_400_naming_the_product(orders_api, items, complaint):
    module, sqs, url = orders_api
    reply = post_order(module, {"items": items})
    assert reply["statusCode"] == 400 and complaint in body(reply)["error"]
    assert queued(sqs, url) == [] and module.orders_table().scan()["Count"] == 0


def test_the_whole_stock_can_be_ordered(orders_api):
    reply = post_order(orders_api[0], {"items": [{"product_id": "tee", "quantity": 3}]})
    assert reply["statusCode"] == 201


def test_other_customers_orders_are_not_found(orders_api):
    module = orders_api[0]
    order = body(post_order(module, {"items": [{"product_id": "tee", "quantity": 1}]}))
    assert get_order(module, order["order_id"], sub="customer-2")["statusCode"] == 404
    assert get_order(module, "no-such-order")["statusCode"] == 404


def test_without_claims_is_401(orders_api):
    reply = post_order(orders_api[0], {"items": []}, sub=None)
    assert reply["statusCode"] == 401


def test_unprocessed_keys_are_read_again_then_given_up(load_handler):
    """BatchGetItem may leave keys unprocessed under load: they are asked for again."""
    pricing = load_handler("api", "orders_api").priced.__globals__["catalog_items"]
    replies = [{"Responses": {"t": [{"product_id": "a"}]},
                "UnprocessedKeys": {"t": {"Keys": [{"product_id": "b"}]}}},
               {"Responses": {"t": [{"product_id": "b"}]}, "UnprocessedKeys": {}}]
    asked, slept = [], []

    class Dynamo:
        def batch_get_item(self, RequestItems):  # noqa: N803 (boto3's naming)
            asked.append([k["product_id"] for k in RequestItems["t"]["Keys"]])
            return replies.pop(0) if replies else {"Responses": {}, "UnprocessedKeys":
                                                   RequestItems}

    assert set(pricing(Dynamo(), "t", ["a", "b"], sleep=slept.append)) == {"a", "b"}
    assert asked == [["a", "b"], ["b"]] and slept == [0.05]
    with pytest.raises(RuntimeError, match="left 1 products unread"):
        pricing(Dynamo(), "t", ["c"], sleep=slept.append)
