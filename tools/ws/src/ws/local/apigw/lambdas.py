"""The seam between the gateway and Lambda: invoke a function by ARN through moto's backend.

`moto_invoke` goes through `LambdaBackend.invoke`, the same path as the Invoke API, so
whatever runs functions in the endpoint (moto's Docker runner, or ws's worker processes that
replace it) serves the gateway too, with no change here. Tests pass another `Invoker`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable

from moto.awslambda.exceptions import LambdaClientError
from moto.awslambda.models import lambda_backends

_FUNCTION_ARN = re.compile(r"arn:[a-z-]+:lambda:(?P<region>[a-z0-9-]+):(?P<account>\d{12}):"
                           r"function:(?P<name>[A-Za-z0-9_-]+)(?::(?P<qualifier>[A-Za-z0-9$_-]+))?")
_INVOCATION_URI = re.compile(r"/functions/(?P<arn>.+)/(?:response-streaming-)?invocations$")


@dataclass(frozen=True)
class Invocation:
    """A function's answer: its payload, and Lambda's error kind when it failed."""

    payload: bytes
    error: str | None = None


Invoker = Callable[[str, bytes], Invocation]  # (function ARN, event JSON) -> answer


class UnknownFunction(LookupError):
    """The integration names no function the endpoint has."""


def function_arn(uri: str) -> str:
    """The function ARN inside an AWS_PROXY integration URI (.../functions/ARN/invocations,
    or .../response-streaming-invocations)."""
    found = _INVOCATION_URI.search(uri)
    if not found or not _FUNCTION_ARN.fullmatch(found["arn"]):
        raise UnknownFunction(f"not a Lambda invocation URI: {uri}")
    return found["arn"]


def moto_invoke(arn: str, event: bytes) -> Invocation:
    """Invoke `arn` synchronously (RequestResponse) in the endpoint's Lambda backend."""
    parts = _FUNCTION_ARN.fullmatch(arn)
    if parts is None:
        raise UnknownFunction(f"not a Lambda function ARN: {arn}")
    backend = lambda_backends[parts["account"]][parts["region"]]
    headers: dict[str, str] = {}
    try:
        payload = backend.invoke(parts["name"], parts["qualifier"], event.decode(), {}, headers)
    except LambdaClientError as exc:  # a missing function, version or alias
        raise UnknownFunction(f"{arn}: {exc}") from None
    data = payload.encode() if isinstance(payload, str) else payload or b""
    return Invocation(data, headers.get("x-amz-function-error"))
