"""Upsert products into the catalog table: the event's `products`, else the shipped seed list.

Invoked on its daily schedule, directly, or by CloudFormation for the catalog's seeding custom
resource (see seeding.py), which seeds a freshly deployed catalog."""
from __future__ import annotations

import functools
import os
from datetime import datetime, timezone

import boto3

import catalog_items
import seeding


@functools.cache
def dynamodb():
    """One resource per Lambda container; tests start afresh with `dynamodb.cache_clear()`."""
    return boto3.resource("dynamodb")


def products_table():
    """The catalog's products table (PRODUCTS_TABLE)."""
    return dynamodb().Table(os.environ["PRODUCTS_TABLE"])


def handler(event, context):
    """A custom resource request, or a scheduled (EventBridge) or direct invocation, where
    `{"products": [...]}` overrides the seed."""
    if seeding.is_request(event):
        return seeding.on_request(event, context, products_table)
    event = event if isinstance(event, dict) else {}
    products = event["products"] if isinstance(event.get("products"), list) \
        else catalog_items.seed()
    return catalog_items.upsert(products_table(), products, datetime.now(timezone.utc))
