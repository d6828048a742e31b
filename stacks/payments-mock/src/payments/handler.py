"""Mock payment provider: approves amounts up to LIMIT, declines above; 400 on bad input,
401 without the API key (`Authorization: Bearer <key>`, the key in EXPECTED_API_KEY)."""
from __future__ import annotations

import hashlib
import hmac
import json
import os
import re

LIMIT = 10_000


def response(status: int, body: dict) -> dict:
    return {"statusCode": status, "headers": {"Content-Type": "application/json"},
            "body": json.dumps(body)}


def parse(body: str | None) -> dict | str:
    """The payment request, or a message saying what is wrong with it."""
    try:
        payment = json.loads(body or "")
    except ValueError:
        return "body must be JSON"
    if not isinstance(payment, dict) or not isinstance(payment.get("order_id"), str) \
            or not payment["order_id"]:
        return "order_id must be a non-empty string"
    amount = payment.get("amount")
    if isinstance(amount, bool) or not isinstance(amount, (int, float)) or amount <= 0:
        return "amount must be a positive number"
    if not isinstance(payment.get("currency"), str) or \
            not re.fullmatch(r"[A-Z]{3}", payment["currency"]):
        return "currency must be a three-letter ISO code such as EUR"
    return payment


def authorised(event: dict) -> bool:
    expected = os.environ.get("EXPECTED_API_KEY", "")
    headers = {k.lower(): v for k, v in (event.get("headers") or {}).items()}
    given = headers.get("authorization", "")
    return bool(expected) and hmac.compare_digest(given.encode(), f"Bearer {expected}".encode())


def handler(event, context):
    """API Gateway proxy handler for POST /payments."""
    if not authorised(event or {}):
        return response(401, {"error": "missing or wrong API key"})
    payment = parse((event or {}).get("body"))
    if isinstance(payment, str):
        return response(400, {"error": payment})
    # Deterministic, so that tests and retries see the same answer for the same request.
    key = f"{payment['order_id']}:{payment['amount']}:{payment['currency']}"
    return response(200, {"order_id": payment["order_id"],
                          "status": "APPROVED" if payment["amount"] <= LIMIT else "DECLINED",
                          "reference": hashlib.sha256(key.encode()).hexdigest()[:16]})
