"""The local endpoint's error pages made AWS-shaped errors: a bug inside moto answers an HTML
page (HTTP 500) that botocore cannot parse, which surfaced as a traceback. A client of the local
endpoint turns such a page into an `InternalFailure` error whose message names the call, the
stack it was about (if any) and where the server log is; ws reports it in one line."""
from __future__ import annotations

import json
import threading
from typing import Any
from xml.sax.saxutils import escape

CODE = "InternalFailure"
PREFIX = "the local endpoint failed on "
PROTOCOLS = ("query", "ec2", "json", "rest-json", "rest-xml")
LOG_HINT = "its server log (.ws/local/server.log)"
_calls = threading.local()  # a client's call and its response are handled on one thread


def install(client: Any, log_hint: str) -> None:
    """Make `client`'s calls answer an error page with an AWS-shaped InternalFailure."""
    client.meta.events.register("before-parameter-build", _remember)  # the caller's params
    client.meta.events.register("before-parse", lambda **kw: _rewrite(log_hint, **kw))


def _remember(params: Any = None, **_: Any) -> None:
    stack = params.get("StackName") if isinstance(params, dict) else None
    _calls.stack = stack if isinstance(stack, str) else None


def _rewrite(log_hint: str, operation_model: Any, response_dict: dict[str, Any],
             **_: Any) -> None:
    status, body = response_dict.get("status_code", 0), response_dict.get("body")
    if status < 500 or not isinstance(body, bytes) or not _is_page(body):
        return
    stack = getattr(_calls, "stack", None)
    message = (f"{PREFIX}{operation_model.name}" + (f" of stack {stack}" if stack else "")
               + f" (HTTP {status}): see {log_hint}")
    protocol = operation_model.service_model.protocol
    if protocol not in PROTOCOLS:
        return  # (CBOR: none of the services ws calls)
    response_dict["body"] = error_body(protocol, message)
    response_dict["headers"] = {**response_dict.get("headers", {}), "x-amzn-errortype": CODE,
                                "content-type": _content_type(protocol)}


def _is_page(body: bytes) -> bool:
    start = body[:200].lstrip().lower()
    return start.startswith((b"<!doctype html", b"<html")) or not start


def error_body(protocol: str, message: str) -> bytes:
    """An error `protocol`'s parser reads as code InternalFailure with `message`."""
    if protocol in ("json", "rest-json"):
        return json.dumps({"__type": CODE, "message": message}).encode()
    text = f"<Code>{CODE}</Code><Message>{escape(message)}</Message>"
    if protocol == "ec2":
        return f"<Response><Errors><Error>{text}</Error></Errors></Response>".encode()
    if protocol == "rest-xml":
        return f"<Error>{text}</Error>".encode()
    return (f"<ErrorResponse><Error><Type>Receiver</Type>{text}</Error>"
            "<RequestId>local</RequestId></ErrorResponse>").encode()


def _content_type(protocol: str) -> str:
    return "application/x-amz-json-1.1" if protocol in ("json", "rest-json") else "text/xml"
