"""AppSync's resolver mapping templates (Velocity): $ctx/$context and $util as AppSync offers
them, rendered by the engine of the local API gateway (ws.local.apigw.vtl)."""
from __future__ import annotations

import json
import time
import uuid
from typing import Any

from ws.local.apigw.vtl import TemplateError, java, plain, render
from ws.local.appsync import dynamodbjson

__all__ = ["TemplateError", "TemplateRaised", "evaluate"]


class TemplateRaised(Exception):
    """$util.error(...) in a template: the field's error."""

    def __init__(self, message: str, error_type: str | None, data: Any = None) -> None:
        super().__init__(message)
        self.error_type = error_type
        self.data = data


class DynamoDBUtil:
    """$util.dynamodb."""

    def toDynamoDB(self, value: Any) -> Any:  # noqa: N802 (AppSync's names)
        return java(dynamodbjson.to_dynamodb(plain(value)))

    def toDynamoDBJson(self, value: Any) -> str:  # noqa: N802
        return json.dumps(dynamodbjson.to_dynamodb(plain(value)))

    def toMapValues(self, value: Any) -> Any:  # noqa: N802
        return java(dynamodbjson.to_map_values(plain(value)))

    def toMapValuesJson(self, value: Any) -> str:  # noqa: N802
        return json.dumps(dynamodbjson.to_map_values(plain(value)))

    def toString(self, value: Any) -> Any:  # noqa: N802
        return java({"S": str(value)})

    def toStringJson(self, value: Any) -> str:  # noqa: N802
        return json.dumps({"S": str(value)})


class TimeUtil:
    """$util.time (the common part)."""

    def nowISO8601(self) -> str:  # noqa: N802
        now = time.time()
        return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(now)) + f".{int(now % 1 * 1000):03d}Z"

    def nowEpochSeconds(self) -> int:  # noqa: N802
        return int(time.time())

    def nowEpochMilliSeconds(self) -> int:  # noqa: N802
        return int(time.time() * 1000)


class Util:
    """$util (the common part)."""

    dynamodb = DynamoDBUtil()
    time = TimeUtil()

    def toJson(self, value: Any) -> str:  # noqa: N802
        return json.dumps(plain(value))

    def parseJson(self, text: str) -> Any:  # noqa: N802
        return java(json.loads(text))

    def autoId(self) -> str:  # noqa: N802
        return str(uuid.uuid4())

    def qr(self, *_: Any) -> str:
        return ""

    def quiet(self, *_: Any) -> str:
        return ""

    def isNull(self, value: Any) -> bool:  # noqa: N802
        return value is None

    def isNullOrEmpty(self, value: Any) -> bool:  # noqa: N802
        return value is None or value == "" or value == [] or value == {}

    def defaultIfNull(self, value: Any, default: Any) -> Any:  # noqa: N802
        return default if value is None else value

    def error(self, message: str, error_type: str | None = None, data: Any = None,
              *_: Any) -> None:
        raise TemplateRaised(str(message), error_type, plain(data))

    def unauthorized(self) -> None:
        raise TemplateRaised("Not Authorized to access this field", "Unauthorized")


def evaluate(template: str, context: dict[str, Any]) -> str:
    """`template` rendered with $ctx/$context (AppSync's context: arguments, source, result...)."""
    ctx = java(context)
    ctx["args"] = ctx.get("arguments")
    try:
        return render(template, {"ctx": ctx, "context": ctx, "util": Util(), "utils": Util()})
    except TemplateError as exc:
        cause = exc.__context__
        if isinstance(cause, TemplateRaised):
            raise cause from None
        raise
