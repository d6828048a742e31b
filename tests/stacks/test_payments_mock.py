"""The mock payment provider: approve up to 10000, decline above, 400 on bad input."""
from __future__ import annotations

import json

import pytest

from stack_helpers import api_event


@pytest.fixture
def payments(load_handler):
    return load_handler("payments-mock", "payments")


def pay(payments, body):
    reply = payments.handler(api_event("POST", "/payments", "/payments", body, sub=None), None)
    return reply["statusCode"], json.loads(reply["body"])


@pytest.mark.parametrize("amount, status", [(1, "APPROVED"), (10_000, "APPROVED"),
                                            (10_000.01, "DECLINED"), (250_000, "DECLINED")])
def test_decision_depends_only_on_the_amount(payments, amount, status):
    code, body = pay(payments, {"order_id": "o-1", "amount": amount, "currency": "EUR"})
    assert code == 200 and body["status"] == status and body["order_id"] == "o-1"


def test_same_request_same_answer(payments):
    request = {"order_id": "o-7", "amount": 42.5, "currency": "USD"}
    first, second = pay(payments, request), pay(payments, dict(request))
    assert first == second and len(first[1]["reference"]) == 16
    assert pay(payments, {**request, "order_id": "o-8"})[1]["reference"] != first[1]["reference"]


@pytest.mark.parametrize("body, complaint", [
    ("not json", "JSON"),
    ("[1, 2]", "order_id"),
    ({"amount": 5, "currency": "EUR"}, "order_id"),
    ({"order_id": "o", "amount": "5", "currency": "EUR"}, "amount"),
    ({"order_id": "o", "amount": 0, "currency": "EUR"}, "amount"),
    ({"order_id": "o", "amount": True, "currency": "EUR"}, "amount"),
    ({"order_id": "o", "amount": 5, "currency": "euro"}, "currency"),
    ({"order_id": "o", "amount": 5}, "currency"),
    (None, "JSON"),
])
def test_bad_requests_are_400_with_a_reason(payments, body, complaint):
    code, reply = pay(payments, body)
    assert code == 400 and complaint in reply["error"]
