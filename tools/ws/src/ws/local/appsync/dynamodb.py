"""An AppSync DynamoDB request (the rendered request template) as a DynamoDB API call to the
endpoint, and its answer as AppSync's $ctx.result."""
from __future__ import annotations

import base64
import json
from typing import Any, Callable

from ws.local.apigw.awsintegration import ServiceCall
from ws.local.appsync.dynamodbjson import from_item

Caller = Callable[[ServiceCall], tuple[int, tuple[tuple[str, str], ...], bytes]]


class DataSourceError(Exception):
    """A data source's failure: the field's error, with its AppSync errorType."""

    def __init__(self, message: str, error_type: str) -> None:
        super().__init__(message)
        self.error_type = error_type


def _expression(part: dict[str, Any] | None, prefix: str, request: dict[str, Any]) -> None:
    """Copy an AppSync expression ({expression, expressionNames, expressionValues})."""
    if not part:
        return
    request[f"{prefix}Expression"] = part["expression"]
    request.setdefault("ExpressionAttributeNames", {}).update(part.get("expressionNames") or {})
    request.setdefault("ExpressionAttributeValues", {}).update(
        part.get("expressionValues") or {})


def _request(op: str, table: str, req: dict[str, Any]) -> dict[str, Any]:
    call: dict[str, Any] = {"TableName": table}
    if op in ("GetItem", "DeleteItem", "UpdateItem"):
        call["Key"] = req["key"]
    if op == "GetItem":
        call["ConsistentRead"] = bool(req.get("consistentRead"))
    if op == "PutItem":
        call["Item"] = {**(req.get("attributeValues") or {}), **req["key"]}
    if op in ("PutItem", "DeleteItem", "UpdateItem"):
        _expression(req.get("condition"), "Condition", call)
        call["ReturnValues"] = "ALL_NEW" if op == "UpdateItem" else "ALL_OLD"
    if op == "UpdateItem":
        _expression(req["update"], "Update", call)
    if op in ("Query", "Scan"):
        if op == "Query":
            _expression(req["query"], "KeyCondition", call)
            call["ScanIndexForward"] = req.get("scanIndexForward", True)
        _expression(req.get("filter"), "Filter", call)
        for name, key in (("index", "IndexName"), ("limit", "Limit"),
                          ("consistentRead", "ConsistentRead")):
            if req.get(name) is not None:
                call[key] = req[name]
        if req.get("nextToken"):
            call["ExclusiveStartKey"] = json.loads(base64.b64decode(req["nextToken"]))
    for empty in ("ExpressionAttributeNames", "ExpressionAttributeValues"):
        if not call.get(empty, True):
            del call[empty]
    return call


def run(req: dict[str, Any], config: dict[str, Any], region: str, caller: Caller) -> Any:
    """$ctx.result of the DynamoDB operation `req` names."""
    op = req.get("operation", "")
    if op not in ("GetItem", "PutItem", "DeleteItem", "UpdateItem", "Query", "Scan"):
        raise DataSourceError(f"DynamoDB operation {op!r} is not served by ws's local "
                              "endpoint", "UnsupportedOperation")
    region = config.get("AwsRegion") or region
    body = json.dumps(_request(op, config["TableName"], req)).encode()
    status, _, answer = caller(ServiceCall(region, "dynamodb", "action", op, "POST", body,
                                           protocol="json"))
    data = json.loads(answer or b"{}")
    if status >= 400:
        kind = str(data.get("__type", "DynamoDBError")).rpartition("#")[2]
        raise DataSourceError(data.get("message") or data.get("Message") or kind,
                              f"DynamoDB:{kind}")
    if op == "PutItem":
        return from_item(json.loads(body)["Item"])
    if op in ("GetItem",):
        return from_item(data.get("Item"))
    if op in ("DeleteItem", "UpdateItem"):
        return from_item(data.get("Attributes"))
    last = data.get("LastEvaluatedKey")
    return {"items": [from_item(i) for i in data.get("Items", [])],
            "nextToken": base64.b64encode(json.dumps(last).encode()).decode() if last else None,
            "scannedCount": data.get("ScannedCount", 0)}
