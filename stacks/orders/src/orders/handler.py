"""Orders: create one (validate, store as PENDING, queue for payment) or read one back by id."""
from __future__ import annotations

import functools
import json
import os
import uuid
from decimal import Decimal

import boto3


@functools.cache
def dynamodb():
    """Made once per Lambda container; tests start afresh with `cache_clear()`."""
    return boto3.resource("dynamodb")


@functools.cache
def sqs():
    return boto3.client("sqs")


def orders_table():
    return dynamodb().Table(os.environ["ORDERS_TABLE"])


def plain(value: object) -> object:
    """`value` with DynamoDB's Decimals as JSON numbers (Lambda serialises results as JSON)."""
    return json.loads(json.dumps(value, default=lambda d: float(d) if d % 1 else int(d)))


def valid_item(item: object) -> bool:
    if not isinstance(item, dict):
        return False
    quantity, price = item.get("quantity"), item.get("price")
    return isinstance(item.get("product_id"), str) and type(quantity) is int and quantity >= 1 \
        and type(price) in (int, float) and price >= 0


def total(items: object) -> Decimal | str:
    """The order's amount from its items, or a message saying what is wrong with them."""
    if not isinstance(items, list) or not items:
        return "items must be a non-empty list"
    if not all(valid_item(item) for item in items):
        return "each item needs a product_id, a positive integer quantity and a price >= 0"
    amount = sum(Decimal(str(item["price"])) * item["quantity"] for item in items)
    return amount if amount > 0 else "the order's amount must be positive"


def create_order(event: dict) -> dict:
    """Validate `event` ({items, currency?, amount?, customer?}), store it and queue it."""
    amount = total(event.get("items"))
    if isinstance(amount, str):
        return {"error": amount}
    if "amount" in event and Decimal(str(event["amount"])) != amount:
        return {"error": f"amount {event['amount']} does not match the items' total {amount}"}
    order = {"order_id": str(uuid.uuid4()), "status": "PENDING", "amount": amount,
             "currency": event.get("currency", "EUR"), "customer": event.get("customer", ""),
             "items": [{**i, "price": Decimal(str(i["price"]))} for i in event["items"]]}
    orders_table().put_item(Item=order)
    sqs().send_message(QueueUrl=os.environ["ORDERS_QUEUE_URL"], MessageBody=json.dumps(
        {"order_id": order["order_id"], "amount": float(amount), "currency": order["currency"]}))
    return {"order": plain(order)}


def get_order(order_id: str) -> dict | None:
    item = orders_table().get_item(Key={"order_id": order_id}).get("Item")
    return plain(item) if item else None


def handler(event, context):
    """Direct invocation: `{"action": "get", "order_id": ...}`, otherwise create an order."""
    if event.get("action") == "get":
        order = get_order(str(event.get("order_id", "")))
        return {"order": order} if order else {"error": "no such order"}
    return create_order(event)
