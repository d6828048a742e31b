"""A WebSocket API in moto's apigatewayv2 backend: its stage, and the route a message selects
by the API's RouteSelectionExpression (e.g. `$request.body.action`), else `$default`."""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from ws.local.apigw import httproutes

CONNECT, DISCONNECT, DEFAULT = "$connect", "$disconnect", "$default"
_BODY_PATH = re.compile(r"^\$\{?request\.body\.(?P<path>[A-Za-z0-9_.$-]+)\}?$")


@dataclass(frozen=True)
class Deployed:
    """A WebSocket API's stage, resolved: the API model, the stage's name and where it lives."""

    api: Any
    stage: str
    account_id: str
    region: str

    @property
    def api_id(self) -> str:
        return self.api.api_id

    @property
    def domain(self) -> str:
        return f"{self.api_id}.execute-api.{self.region}.amazonaws.com"

    def stage_variables(self) -> dict[str, str]:
        stage = self.api.stages.get(self.stage)
        return dict(getattr(stage, "stage_variables", None) or {})


def find(api_id: str, stage: str) -> Deployed | None:
    """The WebSocket API `api_id` at `stage`; None when it is no WebSocket API or has no such
    stage."""
    found = httproutes.find_api(api_id)
    if found is None or not is_websocket(found[0]) or stage not in found[0].stages:
        return None
    api, account_id, region = found
    return Deployed(api, stage, account_id, region)


def is_websocket(api: Any) -> bool:
    return str(api.protocol_type or "").upper() == "WEBSOCKET"


def route(api: Any, key: str) -> Any | None:
    """The route whose key is `key`, or None."""
    return next((r for r in list(api.routes.values()) if r.route_key == key), None)


def two_way(found: Any) -> bool:
    """Whether the route sends its integration's answer back (it has a route response)."""
    return bool(found.route_response_selection_expression or
                getattr(found, "route_responses", None))


def select(api: Any, body: str | bytes) -> Any | None:
    """The route a message selects: the key the selection expression finds in its JSON body,
    else `$default` (None when neither exists: AWS answers the client "Forbidden")."""
    key = selected_key(api.route_selection_expression or "", body)
    found = route(api, key) if key is not None else None
    return found if found is not None else route(api, DEFAULT)


def selected_key(expression: str, body: str | bytes) -> str | None:
    """The value `expression` selects in `body`, as text; None when there is none."""
    match = _BODY_PATH.match(expression.strip())
    if match is None:
        return None
    try:
        value: Any = json.loads(body)
    except ValueError:
        return None
    for name in match["path"].split("."):
        if not isinstance(value, dict) or name not in value:
            return None
        value = value[name]
    return value if isinstance(value, str) else json.dumps(value)
