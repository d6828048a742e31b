"""Price an order from the catalog: the client names products and quantities; every name, price
and the currency come from the catalog's products table. Anything else an item carries (a
`price`, say) is ignored. More than the catalog's `stock` of a product is refused (the orders
processor takes the stock when it settles the order)."""
from __future__ import annotations

import time
from decimal import Decimal
from typing import Callable

MAX_QUANTITY = 99  # of one product in one order (after duplicate lines are merged)
MAX_PRODUCTS = 50  # distinct products in one order; BatchGetItem reads at most 100 keys
READ_ATTEMPTS = 5  # BatchGetItem calls before keys DynamoDB keeps leaving unprocessed fail


class OrderError(ValueError):
    """What is wrong with the requested order, in words the client can act on (a 400)."""


def requested(items: object) -> dict[str, int]:
    """{product_id: quantity} from the request's items, duplicate lines merged, in order."""
    if not isinstance(items, list) or not items:
        raise OrderError("items must be a non-empty list of {product_id, quantity}")
    lines: dict[str, int] = {}
    for item in items:
        product_id, quantity = _line(item)
        lines[product_id] = lines.get(product_id, 0) + quantity
    too_many = [product_id for product_id, quantity in lines.items() if quantity > MAX_QUANTITY]
    if too_many:
        raise OrderError(f"at most {MAX_QUANTITY} of a product per order: {', '.join(too_many)}")
    if len(lines) > MAX_PRODUCTS:
        raise OrderError(f"at most {MAX_PRODUCTS} different products per order")
    return lines


def _line(item: object) -> tuple[str, int]:
    if not isinstance(item, dict) or not isinstance(item.get("product_id"), str) \
            or not item["product_id"]:
        raise OrderError("each item needs a product_id (a non-empty string)")
    quantity = item.get("quantity")
    if type(quantity) is not int or quantity < 1:
        raise OrderError(f"the quantity of {item['product_id']} must be a whole number >= 1")
    return item["product_id"], quantity


def catalog_items(dynamodb, table: str, product_ids: list[str],
                  sleep: Callable[[float], None] = time.sleep) -> dict[str, dict]:
    """The products table's items for `product_ids`, by id (one BatchGetItem, retried for the
    keys DynamoDB leaves unprocessed, with backoff)."""
    request = {table: {"Keys": [{"product_id": p} for p in product_ids],
                       "ProjectionExpression": "product_id, #n, price, currency, stock",
                       "ExpressionAttributeNames": {"#n": "name"}}}
    found: dict[str, dict] = {}
    for attempt in range(READ_ATTEMPTS):
        reply = dynamodb.batch_get_item(RequestItems=request)
        found.update((item["product_id"], item) for item in reply["Responses"].get(table, []))
        request = reply.get("UnprocessedKeys") or {}
        if not request:
            return found
        sleep(0.05 * 2 ** attempt)
    raise RuntimeError(f"the catalog left {len(request[table]['Keys'])} products unread")


def priced(lines: dict[str, int], products: dict[str, dict]) -> dict:
    """The order's `items`, `amount` and `currency`, from the catalog's `products`."""
    unknown = [product_id for product_id in lines if product_id not in products]
    if unknown:
        raise OrderError(f"unknown product_id: {', '.join(unknown)}")
    short = [_shortage(products[product_id], quantity) for product_id, quantity in lines.items()
             if _short(products[product_id], quantity)]
    if short:
        raise OrderError("not enough stock: " + "; ".join(short))
    items = [_priced_line(products[product_id], quantity)
             for product_id, quantity in lines.items()]
    currencies = sorted({products[product_id]["currency"] for product_id in lines})
    if len(currencies) > 1:
        raise OrderError(f"products priced in different currencies ({', '.join(currencies)}) "
                         "must be ordered separately")
    amount = sum((item["line_total"] for item in items), Decimal(0))
    if amount <= 0:
        raise OrderError("the order's amount must be positive")
    return {"items": items, "amount": amount, "currency": currencies[0]}


def _short(product: dict, quantity: int) -> bool:
    """More ordered than the catalog has (a product without `stock` is never short)."""
    stock = product.get("stock")
    return isinstance(stock, Decimal) and quantity > stock


def _shortage(product: dict, quantity: int) -> str:
    name = f"{product.get('name') or product['product_id']} ({product['product_id']})"
    stock = max(int(product["stock"]), 0)
    return f"{name} is sold out" if stock == 0 else f"{name}: {quantity} ordered, {stock} left"


def _priced_line(product: dict, quantity: int) -> dict:
    price, currency = product.get("price"), product.get("currency")
    if not isinstance(price, Decimal) or price < 0 or not isinstance(currency, str):
        raise OrderError(f"{product['product_id']} cannot be ordered: the catalog gives it no "
                         "price or currency")
    return {"product_id": product["product_id"], "name": product.get("name", ""),
            "quantity": quantity, "unit_price": price, "line_total": price * quantity}
