"""GET /products and GET /products/{product_id}: read the catalog's products table."""
from __future__ import annotations

import functools
import json
import os

import boto3


@functools.cache
def dynamodb():
    """Made once per Lambda container; tests start afresh with `cache_clear()`."""
    return boto3.resource("dynamodb")


def response(status: int, body: object) -> dict:
    # The site is served from another origin on AWS (CloudFront): it reads answers with a
    # bearer token, no cookies, so any origin may.
    return {"statusCode": status, "headers": {"Content-Type": "application/json",
                                              "Access-Control-Allow-Origin": "*"},
            "body": json.dumps(body, default=lambda d: float(d) if d % 1 else int(d))}


def all_products(table) -> list[dict]:
    items, page = [], {}
    while True:
        reply = table.scan(**page)
        items += reply.get("Items", [])
        if "LastEvaluatedKey" not in reply:
            return sorted(items, key=lambda p: p["product_id"])
        page = {"ExclusiveStartKey": reply["LastEvaluatedKey"]}


def handler(event, context):
    """API Gateway proxy handler; the product id, if any, comes from the path."""
    table = dynamodb().Table(os.environ["PRODUCTS_TABLE"])
    product_id = (event.get("pathParameters") or {}).get("product_id")
    if product_id is None:
        return response(200, {"products": all_products(table)})
    item = table.get_item(Key={"product_id": product_id}).get("Item")
    if item is None:
        return response(404, {"error": f"no product {product_id}"})
    return response(200, item)
