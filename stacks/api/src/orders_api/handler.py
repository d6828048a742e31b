"""POST /orders and GET /orders/{order_id} for the signed-in customer (the Cognito `sub`)."""
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


def response(status: int, body: object) -> dict:
    return {"statusCode": status, "headers": {"Content-Type": "application/json"},
            "body": json.dumps(body, default=lambda d: float(d) if d % 1 else int(d))}


def customer_of(event: dict) -> str | None:
    claims = ((event.get("requestContext") or {}).get("authorizer") or {}).get("claims") or {}
    return claims.get("sub")


def valid_item(item: object) -> bool:
    if not isinstance(item, dict):
        return False
    quantity, price = item.get("quantity"), item.get("price")
    return isinstance(item.get("product_id"), str) and type(quantity) is int and quantity >= 1 \
        and type(price) in (int, float) and price >= 0


def parse(body: str | None) -> dict | str:
    """The requested order, or a message saying what is wrong with it."""
    try:
        order = json.loads(body or "")
    except ValueError:
        return "body must be JSON"
    items = order.get("items") if isinstance(order, dict) else None
    if not isinstance(items, list) or not items or not all(valid_item(i) for i in items):
        return "items must be a non-empty list of {product_id, quantity >= 1, price >= 0}"
    if not isinstance(order.get("currency", "EUR"), str):
        return "currency must be a string"
    return order


def create(event: dict, customer: str) -> dict:
    request = parse(event.get("body"))
    if isinstance(request, str):
        return response(400, {"error": request})
    items = [{**i, "price": Decimal(str(i["price"]))} for i in request["items"]]
    amount = sum(i["price"] * i["quantity"] for i in items)
    if amount <= 0:
        return response(400, {"error": "the order's amount must be positive"})
    order = {"order_id": str(uuid.uuid4()), "customer": customer, "status": "PENDING",
             "currency": request.get("currency", "EUR"), "amount": amount, "items": items}
    orders_table().put_item(Item=order)
    sqs().send_message(QueueUrl=os.environ["ORDERS_QUEUE_URL"], MessageBody=json.dumps(
        {"order_id": order["order_id"], "amount": float(amount), "currency": order["currency"]}))
    return response(201, order)


def handler(event, context):
    """API Gateway proxy handler; customers see only their own orders (others are 404)."""
    customer = customer_of(event)
    if customer is None:  # the authorizer should have refused already
        return response(401, {"error": "not signed in"})
    if event.get("httpMethod") == "POST":
        return create(event, customer)
    order_id = (event.get("pathParameters") or {}).get("order_id", "")
    order = orders_table().get_item(Key={"order_id": order_id}).get("Item")
    if order is None or order.get("customer") != customer:
        return response(404, {"error": f"no order {order_id}"})
    return response(200, order)
