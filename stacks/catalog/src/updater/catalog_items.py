"""The catalog's products: what a valid one is, the shipped seed list, and the upsert."""
from __future__ import annotations

import hashlib
import json
import re
from datetime import datetime
from decimal import Decimal
from pathlib import Path

SEED = Path(__file__).with_name("seed.json")
CURRENCY = re.compile(r"[A-Z]{3}")


def valid(product: object) -> bool:
    """A product the store can sell: an id, a name, a price >= 0 and an ISO currency code."""
    if not isinstance(product, dict):
        return False
    price, currency = product.get("price"), product.get("currency")
    return all(isinstance(product.get(key), str) and product[key] != ""
               for key in ("product_id", "name")) \
        and not isinstance(price, bool) and isinstance(price, (int, float)) and price >= 0 \
        and isinstance(currency, str) and CURRENCY.fullmatch(currency) is not None


def seed() -> list:
    """The shipped seed list (seed.json)."""
    return json.loads(SEED.read_text())


def seed_sha256() -> str:
    """The digest the catalog template passes to its seeding resource (SeedSha256)."""
    return hashlib.sha256(SEED.read_bytes()).hexdigest()


def upsert(table, products: list, now: datetime) -> dict:
    """Write every valid product with `updated_at` (never deleting any); a product's `stock` is
    only set when it has none yet (then orders lower it: the orders processor). Returns how
    many were written and skipped."""
    stamp = now.isoformat()
    good = [p for p in products if valid(p)]
    for product in good:
        item = json.loads(json.dumps({**product, "updated_at": stamp}), parse_float=Decimal)
        item.pop("product_id")
        stock = item.pop("stock", None)
        names = {f"#a{i}": key for i, key in enumerate(item)}
        values = {f":a{i}": value for i, value in enumerate(item.values())}
        update = "SET " + ", ".join(f"#a{i} = :a{i}" for i in range(len(item)))
        if stock is not None:
            names["#stock"], values[":stock"] = "stock", stock
            update += ", #stock = if_not_exists(#stock, :stock)"
        table.update_item(Key={"product_id": product["product_id"]}, UpdateExpression=update,
                          ExpressionAttributeNames=names, ExpressionAttributeValues=values)
    return {"count": len(good), "skipped": len(products) - len(good)}
