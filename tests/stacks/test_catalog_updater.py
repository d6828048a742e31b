"""The catalog updater: upserts products from the event, or the seed list on its schedule."""
from __future__ import annotations

import json
from datetime import datetime
from decimal import Decimal

import pytest

from stack_helpers import STACKS, make_table

SCHEDULED = {"version": "0", "id": "53dc4d37-cffa-4f76-80c9-8b7d4a4d2eaa",
             "detail-type": "Scheduled Event", "source": "aws.events",
             "account": "123456789012", "time": "2026-11-22T06:00:00Z", "region": "us-east-1",
             "resources": ["arn:aws:events:us-east-1:123456789012:rule/store-catalog-Daily"],
             "detail": {}}


@pytest.fixture
def products(aws, monkeypatch):
    monkeypatch.setenv("PRODUCTS_TABLE", "products-test")
    return make_table("products-test", "product_id")


def test_schedule_writes_the_seed_list(load_handler, products):
    seed = json.loads((STACKS / "catalog/src/updater/seed.json").read_text())
    result = load_handler("catalog", "updater").handler(SCHEDULED, None)
    assert result == {"count": len(seed), "skipped": 0}
    items = {i["product_id"]: i for i in products.scan()["Items"]}
    assert set(items) == {p["product_id"] for p in seed}
    first = seed[0]
    assert items[first["product_id"]]["price"] == Decimal(str(first["price"]))
    assert datetime.fromisoformat(items[first["product_id"]]["updated_at"]).tzinfo is not None


def test_event_products_upsert_and_invalid_ones_are_skipped(load_handler, products):
    products.put_item(Item={"product_id": "mug", "name": "Old mug", "price": Decimal("9")})
    event = {"products": [
        {"product_id": "mug", "name": "New mug", "price": 13.25, "currency": "EUR"},
        {"product_id": "pen", "name": "Pen", "price": 2, "currency": "EUR"},
        {"product_id": "", "name": "x", "price": 1, "currency": "EUR"},
        {"name": "no id", "price": 1, "currency": "EUR"},
        {"product_id": "free?", "name": "x", "price": -1, "currency": "EUR"},
        {"product_id": "nameless", "price": 1, "currency": "EUR"},
        {"product_id": "where", "name": "x", "price": 1},
        {"product_id": "euro", "name": "x", "price": 1, "currency": "euro"},
        {"product_id": "yes", "name": "x", "price": True, "currency": "EUR"},
        "not a product"]}
    result = load_handler("catalog", "updater").handler(event, None)
    assert result == {"count": 2, "skipped": 8}
    items = {i["product_id"]: i for i in products.scan()["Items"]}
    assert set(items) == {"mug", "pen"}
    assert items["mug"]["name"] == "New mug" and items["mug"]["price"] == Decimal("13.25")


def test_an_empty_list_writes_nothing(load_handler, products):
    assert load_handler("catalog", "updater").handler({"products": []}, None) == \
        {"count": 0, "skipped": 0}
    assert products.scan()["Count"] == 0


def test_the_seed_is_a_sellable_storefront():
    """Every seeded product can be listed and ordered: a name, a description, a price and a
    currency; and one of them lets a client trigger the payment mock's decline (> 10,000)."""
    seed = json.loads((STACKS / "catalog/src/updater/seed.json").read_text())
    assert len(seed) >= 5 and len({p["product_id"] for p in seed}) == len(seed)
    for product in seed:
        assert product["name"] and product["description"] and product["currency"] == "EUR"
        assert isinstance(product["price"], (int, float)) and product["price"] > 0
    assert any(p["price"] * 99 > 10_000 for p in seed)  # an order the mock declines


def test_the_daily_update_keeps_the_stock_orders_took(load_handler, products):
    """The seed gives a new product its stock; a product's stock is then the orders' to lower
    (the orders processor), not reset by the daily run."""
    products.put_item(Item={"product_id": "mug", "name": "Store mug", "price": Decimal("12.5"),
                            "currency": "EUR", "stock": 3})
    load_handler("catalog", "updater").handler(SCHEDULED, None)
    items = {i["product_id"]: i for i in products.scan()["Items"]}
    assert items["mug"]["stock"] == 3 and items["tee"]["stock"] == 25  # the seed's, new
    assert "updated_at" in items["mug"]
