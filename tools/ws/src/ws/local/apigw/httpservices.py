"""HTTP API first-class AWS integrations (AWS_PROXY with an IntegrationSubtype): SQS,
Step Functions and EventBridge actions whose parameters are mapped from the request
(`$request.body.x`, `$request.header.x`, `$request.querystring.x`, `$request.path.x`,
`$context.x`, `$stageVariables.x`, or a literal), sent to the endpoint's own services."""
from __future__ import annotations

import json
from typing import Any, Callable

from ws.local.apigw import jsonpath
from ws.local.apigw.awsintegration import ServiceCall, ServiceCaller
from ws.local.apigw.httpevent import Call
from ws.local.apigw.request import ApiResponse


def _sqs(action: str) -> Callable[[dict[str, Any]], tuple[str, str, dict[str, Any]]]:
    return lambda p: ("sqs", action, p)


def _states(action: str) -> Callable[[dict[str, Any]], tuple[str, str, dict[str, Any]]]:
    return lambda p: ("states", action, {k[0].lower() + k[1:]: v for k, v in p.items()})


def _put_events(params: dict[str, Any]) -> tuple[str, str, dict[str, Any]]:
    return "events", "PutEvents", {"Entries": [params]}


_SUBTYPES = {
    "SQS-SendMessage": _sqs("SendMessage"), "SQS-ReceiveMessage": _sqs("ReceiveMessage"),
    "SQS-DeleteMessage": _sqs("DeleteMessage"), "SQS-PurgeQueue": _sqs("PurgeQueue"),
    "StepFunctions-StartExecution": _states("StartExecution"),
    "StepFunctions-StartSyncExecution": _states("StartSyncExecution"),
    "StepFunctions-StopExecution": _states("StopExecution"),
    "EventBridge-PutEvents": _put_events,
}


def run(call: Call, integration: Any, services: ServiceCaller | None) -> ApiResponse:
    """The service's answer to the integration's action, as the HTTP API returns it."""
    shape = _SUBTYPES.get(integration.integration_subtype or "")
    if shape is None or services is None:
        raise LookupError(f"integration subtype {integration.integration_subtype} "
                          "is not served locally")
    params = {k: value(v, call) for k, v in (integration.request_parameters or {}).items()}
    service, action, body = shape({k: v for k, v in params.items() if v is not None})
    status, headers, answer = services(ServiceCall(
        call.region, service, "action", action, "POST", json.dumps(body).encode(),
        protocol="json"))
    kept = tuple((k, v) for k, v in headers if k.lower() == "content-type")
    return ApiResponse(status, kept or (("Content-Type", "application/json"),), answer)


def value(expression: str, call: Call) -> str | None:
    """A parameter mapping's value for `call` (None when the request lacks it)."""
    text = str(expression)
    if not text.startswith("$"):
        return text
    kind, _, name = text.removeprefix("${").removesuffix("}").lstrip("$").partition(".")
    if kind == "request":
        where, _, key = name.partition(".")
        return _request_value(call, where, key)
    if kind == "context":
        return {"requestId": call.request.request_id, "stage": call.stage_name,
                "apiId": call.api.api_id, "routeKey": call.route.route_key}.get(name)
    if kind == "stageVariables":
        return (call.stage.stage_variables or {}).get(name)
    return text


def _request_value(call: Call, where: str, key: str) -> str | None:
    request = call.request
    if where == "body":
        if not key:
            return request.body.decode("utf-8", "replace")
        try:
            found = jsonpath.find(f"$.{key}", json.loads(request.body or b"null"))
        except ValueError:
            return None
        return found if isinstance(found, str) or found is None else json.dumps(found)
    if where == "header":
        return request.header(key)
    if where == "querystring":
        return next((v for k, v in reversed(request.query) if k == key), None)
    if where == "path":
        return call.params.get(key)
    return None
