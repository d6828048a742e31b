"""moto's LambdaFunction.invoke (the Invoke API and every trigger: SNS, EventBridge rules,
DynamoDB and Kinesis streams, log subscriptions) answered by ws's runtime instead of Docker."""
from __future__ import annotations

import base64
import threading
from typing import Any, Callable

from moto.awslambda.models import LambdaFunction

from ws.local.lambdas.runtime import Outcome, Runtime


def _event_text(body: Any) -> str:
    if isinstance(body, bytes):
        body = body.decode()
    return body if isinstance(body, str) and body.strip() else "{}"


def _header(headers: Any, name: str) -> str | None:
    return next((v for k, v in dict(headers or {}).items() if k.lower() == name), None)


AsyncInvoke = Callable[[LambdaFunction, str, str], None]  # (function, event, source)


def _in_thread(runtime: Runtime) -> AsyncInvoke:
    def invoke(fn: LambdaFunction, event: str, source: str) -> None:
        threading.Thread(target=runtime.invoke, args=(fn, event), daemon=True,
                         name=f"lambda-event-{fn.function_name}").start()
    return invoke


def make_invoke(runtime: Runtime, invoke_async: AsyncInvoke | None = None
                ) -> Callable[..., bytes]:
    """The replacement for LambdaFunction.invoke(body, request_headers, response_headers);
    InvocationType=Event goes to `invoke_async` (default: a thread, no retries)."""
    invoke_async = invoke_async or _in_thread(runtime)

    def invoke(self: LambdaFunction, body: Any, request_headers: Any,
               response_headers: Any) -> bytes:
        event = _event_text(body)
        kind = _header(request_headers, "x-amz-invocation-type") or "RequestResponse"
        if kind == "DryRun":
            return b""
        if kind == "Event":  # asynchronous: accepted now, run in the background
            invoke_async(self, event, "Invoke (Event)")
            return b""
        outcome = runtime.invoke(self, event)
        _answer_headers(outcome, self, response_headers)
        return outcome.payload

    return invoke


def _answer_headers(outcome: Outcome, fn: LambdaFunction, response_headers: Any) -> None:
    if outcome.error:
        response_headers["x-amz-function-error"] = "Unhandled"
    response_headers["x-amz-log-result"] = base64.b64encode(outcome.log_tail.encode()).decode()
    response_headers["x-amz-executed-version"] = str(fn.version)
    response_headers["x-amzn-requestid"] = outcome.request_id


def install(runtime: Runtime, invoke_async: AsyncInvoke | None = None) -> None:
    """Route every moto Lambda invocation in this process to `runtime`."""
    LambdaFunction.invoke = make_invoke(runtime, invoke_async)  # type: ignore[method-assign]
