"""Upsert products into the catalog table: the event's `products`, else the shipped seed list."""
from __future__ import annotations

import functools
import json
import os
from datetime import datetime, timezone
from decimal import Decimal
from pathlib import Path

import boto3

SEED = Path(__file__).with_name("seed.json")


@functools.cache
def dynamodb():
    """One resource per Lambda container; tests start afresh with `dynamodb.cache_clear()`."""
    return boto3.resource("dynamodb")


def valid(product: object) -> bool:
    if not isinstance(product, dict):
        return False
    price = product.get("price")
    return isinstance(product.get("product_id"), str) and product["product_id"] != "" \
        and not isinstance(price, bool) and isinstance(price, (int, float)) and price >= 0


def upsert(products: list, now: datetime) -> dict:
    """Write every valid product with `updated_at`; returns how many were written and skipped."""
    stamp = now.isoformat()
    good = [p for p in products if valid(p)]
    table = dynamodb().Table(os.environ["PRODUCTS_TABLE"])
    with table.batch_writer(overwrite_by_pkeys=["product_id"]) as batch:
        for product in good:
            batch.put_item(Item={**product, "price": Decimal(str(product["price"])),
                                 "updated_at": stamp})
    return {"count": len(good), "skipped": len(products) - len(good)}


def handler(event, context):
    """Scheduled (EventBridge) or direct invocation; `{"products": [...]}` overrides the seed."""
    event = event if isinstance(event, dict) else {}
    products = event["products"] if isinstance(event.get("products"), list) \
        else json.loads(SEED.read_text())
    return upsert(products, datetime.now(timezone.utc))
