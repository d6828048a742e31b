"""POST /orders, GET /orders (the customer's latest, newest first) and GET /orders/{order_id},
for the signed-in customer (the Cognito `sub`).

The API owns order creation: an order names products and quantities, and is priced from the
catalog (see pricing.py); the orders stack keeps the table, the queue and the processor."""
from __future__ import annotations

import functools
import json
import os
import uuid
from datetime import datetime, timezone

import boto3
from boto3.dynamodb.conditions import Key

from pricing import OrderError, catalog_items, priced, requested


@functools.cache
def dynamodb():
    """Made once per Lambda container; tests start afresh with `cache_clear()`."""
    return boto3.resource("dynamodb")


@functools.cache
def sqs():
    """Made once per Lambda container, like `dynamodb()`."""
    return boto3.client("sqs")


def orders_table():
    """The orders stack's table (ORDERS_TABLE)."""
    return dynamodb().Table(os.environ["ORDERS_TABLE"])


def response(status: int, body: object) -> dict:
    """An API Gateway proxy response with a JSON body (DynamoDB's Decimals as numbers)."""
    # The site is served from another origin on AWS (CloudFront): it reads answers with a
    # bearer token, no cookies, so any origin may.
    return {"statusCode": status, "headers": {"Content-Type": "application/json",
                                              "Access-Control-Allow-Origin": "*"},
            "body": json.dumps(body, default=lambda d: float(d) if d % 1 else int(d))}


def customer_of(event: dict) -> str | None:
    """The signed-in customer's id: the `sub` claim the Cognito authorizer passed on."""
    claims = ((event.get("requestContext") or {}).get("authorizer") or {}).get("claims") or {}
    return claims.get("sub")


def parse(body: str | None) -> dict:
    """The request's JSON object; only its `items` ({product_id, quantity}) are read."""
    try:
        request = json.loads(body or "")
    except ValueError:
        raise OrderError("body must be JSON") from None
    if not isinstance(request, dict):
        raise OrderError("body must be a JSON object with items")
    return request


def priced_order(body: str | None) -> dict:
    """The order's items, amount and currency, priced from the catalog (OrderError if bad)."""
    lines = requested(parse(body).get("items"))
    products = catalog_items(dynamodb(), os.environ["PRODUCTS_TABLE"], list(lines))
    return priced(lines, products)


def create(event: dict, customer: str) -> dict:
    """Store the order as PENDING and queue it for payment; 400 with the reason if it is bad."""
    try:
        order = priced_order(event.get("body"))
    except OrderError as exc:
        return response(400, {"error": str(exc)})
    order = {"order_id": str(uuid.uuid4()), "customer": customer, "status": "PENDING",
             "created_at": datetime.now(timezone.utc).isoformat(), **order}
    orders_table().put_item(Item=order)
    sqs().send_message(QueueUrl=os.environ["ORDERS_QUEUE_URL"], MessageBody=json.dumps(
        {"order_id": order["order_id"], "amount": float(order["amount"]),
         "currency": order["currency"]}))
    return response(201, order)


HISTORY = 20  # orders GET /orders lists


def history(customer: str) -> dict:
    """The customer's latest orders, newest first (the table's ORDERS_INDEX: by customer)."""
    reply = orders_table().query(IndexName=os.environ["ORDERS_INDEX"],
                                 KeyConditionExpression=Key("customer").eq(customer),
                                 ScanIndexForward=False, Limit=HISTORY)
    return response(200, {"orders": reply.get("Items", [])})


def handler(event, context):
    """API Gateway proxy handler; customers see only their own orders (others are 404)."""
    customer = customer_of(event)
    if customer is None:  # the authorizer should have refused already
        return response(401, {"error": "not signed in"})
    if event.get("httpMethod") == "POST":
        return create(event, customer)
    if not (event.get("pathParameters") or {}).get("order_id"):
        return history(customer)
    order_id = (event.get("pathParameters") or {}).get("order_id", "")
    order = orders_table().get_item(Key={"order_id": order_id}).get("Item")
    if order is None or order.get("customer") != customer:
        return response(404, {"error": f"no order {order_id}"})
    return response(200, order)
