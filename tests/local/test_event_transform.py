"""What an EventBridge target receives (Input, InputPath, InputTransformer), on literal data."""
from __future__ import annotations

import json

from ws.local.events.transform import MISSING, fill, payload, select

EVENT = {"id": "e-1", "source": "shop", "time": "2026-12-07T19:00:00Z",
         "detail": {"order": {"id": "o-1", "items": [{"sku": "mug"}]}, "amount": 25,
                    "note": 'say "hi"'}}
RULE = "arn:aws:events:us-east-1:123456789012:rule/shop/paid"


def test_the_event_itself_a_constant_input_or_a_path():
    assert json.loads(payload({"Arn": "x"}, EVENT, RULE)) == EVENT
    assert payload({"Input": '{"fixed": 1}'}, EVENT, RULE) == '{"fixed": 1}'
    assert json.loads(payload({"InputPath": "$.detail.order"}, EVENT, RULE)) == \
        {"id": "o-1", "items": [{"sku": "mug"}]}
    assert json.loads(payload({"InputPath": "$.detail.order.items[0].sku"}, EVENT, RULE)) == "mug"


def test_input_transformer_json_template():
    target = {"InputTransformer": {
        "InputPathsMap": {"id": "$.detail.order.id", "amount": "$.detail.amount",
                          "order": "$.detail.order", "note": "$.detail.note",
                          "gone": "$.detail.nothing"},
        "InputTemplate": '{"id": <id>, "amount": <amount>, "order": <order>, '
                         '"text": "order <id> of <amount>: <note>", "gone": <gone>, '
                         '"rule": <aws.events.rule-name>, "arn": "<aws.events.rule-arn>", '
                         '"all": <aws.events.event>}'}}
    assert json.loads(payload(target, EVENT, RULE)) == {
        "id": "o-1", "amount": 25, "order": EVENT["detail"]["order"],
        "text": 'order o-1 of 25: say "hi"', "gone": None, "rule": "paid", "arn": RULE,
        "all": EVENT}


def test_input_transformer_string_template():
    assert fill('"order <id> is <state>"', {"id": "o-1", "state": "PAID"}) == \
        '"order o-1 is PAID"'
    assert fill("<unknown> stays", {}) == "<unknown> stays"
    assert select(EVENT, "$.detail.missing") is MISSING
