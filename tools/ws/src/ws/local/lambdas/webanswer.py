"""The Lambda response of a Web Adapter app's answer (standard library only, used by
webworker.py): the proxy response of the event's kind (REST, HTTP API, ALB), the body of a
pass-through event, or in response_stream mode a JSON prelude, eight NUL bytes and the body;
text bodies as text, others as base64, as the adapter's lambda_http does."""
from __future__ import annotations

import base64
import json
from typing import Any

DELIMITER = b"\x00" * 8
TEXT_TYPES = ("text/", "application/json", "application/javascript", "application/xml")


def reply(answer: Any, streaming: bool) -> dict[str, Any]:
    """The reply frame of a webhttp.Answer."""
    kind, event, status, pairs, data = (answer.kind, answer.event, answer.status,
                                        answer.headers, answer.body)
    cookies = [v for k, v in pairs if k == "set-cookie"]
    joined: dict[str, str] = {}
    for name, value in pairs:
        if name != "set-cookie":
            joined[name] = f"{joined[name]}, {value}" if name in joined else value
    if streaming:
        prelude = json.dumps({"statusCode": status, "headers": joined, "cookies": cookies})
        return {"ok": True, "payload_base64": base64.b64encode(
            prelude.encode() + DELIMITER + data).decode()}
    if kind == "passthrough":
        return {"ok": True, "payload": _passthrough(data)}
    body, encoded = _body(dict(pairs), data)
    out: dict[str, Any] = {"statusCode": status}
    multi: dict[str, list[str]] = {}
    for name, value in pairs:
        multi.setdefault(name, []).append(value)
    if kind == "v2":
        out.update(headers=joined, cookies=cookies)
    elif kind == "alb":
        out["statusDescription"] = f"{status} {answer.reason}".strip()
        out.update({"multiValueHeaders": multi} if event.get("multiValueHeaders") else
                      {"headers": {k: v[-1] for k, v in multi.items()}})
    else:
        out.update(headers={k: v[-1] for k, v in multi.items()}, multiValueHeaders=multi)
    out.update(body=body, isBase64Encoded=encoded)
    return {"ok": True, "payload": json.dumps(out)}


def _body(headers: dict[str, str], data: bytes) -> tuple[str, bool]:
    """Text bodies as text, anything else (or compressed) as base64, as lambda_http does."""
    kind = headers.get("content-type", "").lower()
    text = "content-encoding" not in headers and (
        not kind or kind.startswith(TEXT_TYPES) or kind.split(";")[0].endswith(("+json",
                                                                                "+xml")))
    if text:
        try:
            return data.decode("utf-8"), False
        except UnicodeDecodeError:
            pass
    return base64.b64encode(data).decode(), True


def _passthrough(data: bytes) -> str:
    """A pass-through answer: its JSON as the result, else the text as a JSON string."""
    text = data.decode("utf-8", errors="replace")
    try:
        json.loads(text)
        return text
    except ValueError:
        return json.dumps(text) if text else "null"
