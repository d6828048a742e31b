"""The mock payment provider: approve up to 10000, decline above, 400 on bad input, 401
without its API key."""
from __future__ import annotations

import json

import pytest

from stack_helpers import api_event


KEY = "mock-payments-key-not-a-secret"


@pytest.fixture
def payments(load_handler, monkeypatch):
    monkeypatch.setenv("EXPECTED_API_KEY", KEY)
    return load_handler("payments-mock", "payments")


def pay(payments, body, authorization: str | None = f"Bearer {KEY}"):
    event = api_event("POST", "/payments", "/payments", body, sub=None)
    if authorization is not None:
        event["headers"]["authorization"] = authorization
    reply = payments.handler(event, None)
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


@pytest.mark.parametrize("authorization", [None, "", KEY, "Bearer wrong", f"Basic {KEY}",
                                           f"Bearer {KEY}x"])
def test_requests_without_the_key_are_401(payments, authorization):
    code, reply = pay(payments, {"order_id": "o", "amount": 5, "currency": "EUR"}, authorization)
    assert code == 401 and reply == {"error": "missing or wrong API key"}


def test_a_mock_without_a_configured_key_accepts_nobody(payments, monkeypatch):
    monkeypatch.delenv("EXPECTED_API_KEY")
    assert pay(payments, {"order_id": "o", "amount": 5, "currency": "EUR"}, "Bearer ")[0] == 401
