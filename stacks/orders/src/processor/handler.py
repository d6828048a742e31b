"""Settle queued orders: take their stock from the catalog (stock.py), ask the payment provider,
then mark each order PAID or DECLINED (a sold-out order is declined without paying).

The provider's API key is read from SSM (the parameter named by PAYMENT_KEY_PARAMETER) once per
container, never taken from the environment; a 401 from the provider drops the cached key so
that a rotated key is read again for the next message."""
from __future__ import annotations

import functools
import json
import logging
import os
import urllib.error
import urllib.request

import boto3

import stock

LOG = logging.getLogger(__name__)
OUTCOMES = {"APPROVED": "PAID", "DECLINED": "DECLINED"}


@functools.cache
def dynamodb():
    """Made once per Lambda container; tests start afresh with `cache_clear()`."""
    return boto3.resource("dynamodb")


@functools.cache
def ssm():
    """Made once per Lambda container, like `dynamodb()`."""
    return boto3.client("ssm")


@functools.cache
def api_key() -> str:
    """The payment provider's key, read from SSM (decrypted) once per container."""
    name = os.environ["PAYMENT_KEY_PARAMETER"]
    return ssm().get_parameter(Name=name, WithDecryption=True)["Parameter"]["Value"]


def pay(payment: dict) -> str:
    """POST `payment` as JSON to the provider; returns its decision (APPROVED or DECLINED)."""
    request = urllib.request.Request(
        os.environ["PAYMENT_PROVIDER_URL"], data=json.dumps(payment).encode(), method="POST",
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {api_key()}"})
    timeout = float(os.environ.get("PAYMENT_TIMEOUT_SECONDS", "5"))
    try:
        with urllib.request.urlopen(request, timeout=timeout) as reply:  # HTTP errors raise
            decision = json.loads(reply.read()).get("status")
    except urllib.error.HTTPError as exc:
        if exc.code == 401:  # the key was rotated (or revoked): read it again next time
            api_key.cache_clear()
        raise
    if decision not in OUTCOMES:
        raise ValueError(f"payment provider answered {decision!r}")
    return decision


def settle(order_id: str) -> str | None:
    """Take the order's stock, pay for it and record the outcome (PAID, or DECLINED with the
    stock given back; DECLINED without paying when sold out); None if it was settled before."""
    table = dynamodb().Table(os.environ["ORDERS_TABLE"])
    order = table.get_item(Key={"order_id": order_id}, ConsistentRead=True).get("Item")
    if order is None:
        raise LookupError(f"no order {order_id}")
    if order["status"] != "PENDING":  # a redelivered message: never charge twice
        return None
    client, products = dynamodb().meta.client, os.environ["PRODUCTS_TABLE"]
    counted = stock.tracked(client, products, order)
    if not order.get("stock_taken"):
        try:
            if not stock.take(client, table.name, products, counted):
                return None  # another delivery of the message took it and goes on
        except stock.SoldOut as exc:
            stock.decline(client, table.name, products, counted, str(exc))
            return "DECLINED"
        counted["stock_taken"] = True
    status = OUTCOMES[pay({"order_id": order_id, "amount": float(order["amount"]),
                           "currency": order["currency"]})]
    if status == "DECLINED":
        stock.decline(client, table.name, products, counted, "payment declined")
        return status
    table.update_item(Key={"order_id": order_id}, UpdateExpression="SET #s = :s",
                      ConditionExpression="#s = :pending",
                      ExpressionAttributeNames={"#s": "status"},
                      ExpressionAttributeValues={":s": status, ":pending": "PENDING"})
    return status


def handler(event, context):
    """SQS batch: report the messages that failed so that only they are retried."""
    failures = []
    for record in event.get("Records", []):
        try:
            settle(json.loads(record["body"])["order_id"])
        except Exception as exc:  # one bad message must not fail the whole batch
            LOG.warning("message %s failed: %s", record.get("messageId"), exc)
            failures.append({"itemIdentifier": record["messageId"]})
    return {"batchItemFailures": failures}
