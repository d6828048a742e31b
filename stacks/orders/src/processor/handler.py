"""Settle queued orders: ask the payment provider, then mark each order PAID or DECLINED."""
from __future__ import annotations

import functools
import json
import logging
import os
import urllib.request

import boto3

LOG = logging.getLogger(__name__)
OUTCOMES = {"APPROVED": "PAID", "DECLINED": "DECLINED"}


@functools.cache
def dynamodb():
    """Made once per Lambda container; tests start afresh with `cache_clear()`."""
    return boto3.resource("dynamodb")


def pay(payment: dict) -> str:
    """POST `payment` as JSON to the provider; returns its decision (APPROVED or DECLINED)."""
    request = urllib.request.Request(
        os.environ["PAYMENT_PROVIDER_URL"], data=json.dumps(payment).encode(), method="POST",
        headers={"Content-Type": "application/json",
                 "Authorization": f"Bearer {os.environ['PAYMENT_API_KEY']}"})
    timeout = float(os.environ.get("PAYMENT_TIMEOUT_SECONDS", "5"))
    with urllib.request.urlopen(request, timeout=timeout) as reply:  # HTTP errors raise
        decision = json.loads(reply.read()).get("status")
    if decision not in OUTCOMES:
        raise ValueError(f"payment provider answered {decision!r}")
    return decision


def settle(order_id: str) -> str | None:
    """Pay for a PENDING order and record the outcome; None if it was settled before."""
    table = dynamodb().Table(os.environ["ORDERS_TABLE"])
    order = table.get_item(Key={"order_id": order_id}).get("Item")
    if order is None:
        raise LookupError(f"no order {order_id}")
    if order["status"] != "PENDING":  # a redelivered message: never charge twice
        return None
    status = OUTCOMES[pay({"order_id": order_id, "amount": float(order["amount"]),
                           "currency": order["currency"]})]
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
