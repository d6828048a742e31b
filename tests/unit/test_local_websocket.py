"""WebSocket APIs in the local gateway, the pure parts: the local URL of a wss:// API URL and
the route a message selects."""
from __future__ import annotations

from types import SimpleNamespace

import pytest

from ws.local.apigw.websocket import routes
from ws.local.urls import to_local


def test_a_wss_api_url_maps_to_the_endpoints_ws_url():
    assert to_local("wss://abc123.execute-api.eu-west-1.amazonaws.com/production",
                    "http://127.0.0.1:4566") == "ws://127.0.0.1:4566/_ws/api/abc123/production"
    assert to_local("https://abc123.execute-api.eu-west-1.amazonaws.com/production",
                    "http://127.0.0.1:4566") == "http://127.0.0.1:4566/_ws/api/abc123/production"
    assert to_local("wss://d111.cloudfront.net", "http://127.0.0.1:4566",
                    {"d111": "E2ID"}) == "ws://127.0.0.1:4566/_ws/cdn/E2ID/"


@pytest.mark.parametrize("expression, body, key", [
    ("$request.body.action", '{"action": "send"}', "send"),
    ("${request.body.action}", '{"action": "send"}', "send"),
    ("$request.body.meta.kind", '{"meta": {"kind": 7}}', "7"),
    ("$request.body.action", '{"other": 1}', None),
    ("$request.body.action", "not json", None),
    ("$request.body.action", b"\x00\xff", None),
    ("$request.header.x", '{"action": "send"}', None),
])
def test_the_selection_expression_picks_a_key(expression, body, key):
    assert routes.selected_key(expression, body) == key


def test_an_unknown_key_falls_back_to_default_and_none_without_it():
    route = {k: SimpleNamespace(route_key=k) for k in ("$connect", "send", "$default")}
    api = SimpleNamespace(route_selection_expression="$request.body.action", routes=route)
    assert routes.select(api, '{"action": "send"}').route_key == "send"
    assert routes.select(api, '{"action": "nope"}').route_key == "$default"
    del route["$default"]
    assert routes.select(api, '{"action": "nope"}') is None
