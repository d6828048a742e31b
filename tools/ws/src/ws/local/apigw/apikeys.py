"""A REST API method's API key check (ApiKeyRequired): the request's key must be an enabled
API key in a usage plan of the API's stage, else API Gateway answers 403 Forbidden."""
from __future__ import annotations

from typing import Any

from moto.apigateway.models import apigateway_backends

from ws.local.apigw.request import ApiRequest
from ws.local.apigw.routing import Deployed, Route
from ws.local.apigw.validation import is_true

HEADER = "x-api-key"


def allowed(request: ApiRequest, deployed: Deployed, route: Route) -> bool:
    """Whether the request may pass the method's API key requirement (True when it has
    none, or when the API takes its keys from a Lambda authorizer: not checked locally)."""
    if not is_true(route.method.api_key_required):
        return True
    source = str(getattr(deployed.api, "api_key_source", "HEADER") or "HEADER").upper()
    if source == "AUTHORIZER":
        return True
    value = request.header(HEADER)
    if not value:
        return False
    backend = apigateway_backends[deployed.account_id][deployed.region]
    keys = [k for k in list(backend.keys.values()) if k.value == value and is_true(k.enabled)]
    return any(_in_plan(backend, plan, key.id, deployed)
               for key in keys for plan in list(backend.usage_plans.values()))


def _in_plan(backend: Any, plan: Any, key_id: str, deployed: Deployed) -> bool:
    """Whether `plan` holds the key and covers the deployed API's stage."""
    if key_id not in backend.usage_plan_keys.get(plan.id, {}):
        return False
    return any(s.get("apiId") == deployed.api.id and s.get("stage") == deployed.stage.name
               for s in plan.api_stages or [])
