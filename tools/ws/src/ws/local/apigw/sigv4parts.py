"""Where a request carries its Signature Version 4, as API Gateway reads it for AWS_IAM: the
Authorization header (with X-Amz-Date), or a presigned URL's X-Amz-* query parameters (what a
WebSocket client sends, as it cannot set headers)."""
from __future__ import annotations

import re
from dataclasses import dataclass

from ws.local.apigw.request import ApiRequest

_AUTH = re.compile(r"AWS4-HMAC-SHA256\s+Credential=(?P<key>[^/\s,]+)/(?P<date>\d{8})/"
                   r"(?P<region>[a-z0-9-]+)/(?P<service>[a-z0-9-]+)/aws4_request,\s*"
                   r"SignedHeaders=(?P<headers>[a-z0-9;_.-]+),\s*Signature=(?P<sig>[0-9a-f]{64})$")
_CREDENTIAL = re.compile(r"(?P<key>[^/\s]+)/(?P<date>\d{8})/(?P<region>[a-z0-9-]+)/"
                         r"(?P<service>[a-z0-9-]+)/aws4_request$")
_QUERY = ("X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Signature", "X-Amz-Date",
          "X-Amz-SignedHeaders", "X-Amz-Expires")
MAX_EXPIRES = 7 * 24 * 3600  # seconds: the longest a presigned URL may last


class Forbidden(Exception):
    """403 with API Gateway's message (`str()`); `missing` when nothing was signed."""

    def __init__(self, message: str, missing: bool = False,
                 error_type: str = "IncompleteSignatureException") -> None:
        super().__init__(message)
        self.missing = missing
        self.error_type = error_type


@dataclass(frozen=True)
class Signed:
    """A request's signature and its scope; `expires` is None when signed in the header."""

    key: str
    date: str
    region: str
    service: str
    headers: tuple[str, ...]
    signature: str
    stamp: str
    expires: int | None = None


def find(request: ApiRequest) -> Signed:
    """The signature `request` carries; Forbidden when it carries none or a malformed one."""
    header = request.header("Authorization")
    if header:
        return _from_header(header.strip(), request.header("X-Amz-Date") or "")
    query = dict(request.query)
    if any(name in query for name in _QUERY):
        return _from_query(query)
    raise Forbidden("Missing Authentication Token", missing=True)


def _from_header(header: str, stamp: str) -> Signed:
    parts = _AUTH.match(header)
    if parts is None:
        raise Forbidden("Authorization header requires 'Credential', 'SignedHeaders' and "
                        "'Signature' parameters (AWS4-HMAC-SHA256).")
    return Signed(parts["key"], parts["date"], parts["region"], parts["service"],
                  tuple(parts["headers"].split(";")), parts["sig"], stamp)


def _from_query(query: dict[str, str]) -> Signed:
    scope = _CREDENTIAL.match(query.get("X-Amz-Credential", ""))
    expires = query.get("X-Amz-Expires", "")
    if scope is None or query.get("X-Amz-Algorithm") != "AWS4-HMAC-SHA256" or \
            not re.fullmatch(r"[0-9a-f]{64}", query.get("X-Amz-Signature", "")) or \
            not query.get("X-Amz-SignedHeaders") or not query.get("X-Amz-Date") or \
            not expires.isdigit():
        raise Forbidden("AWS query-string parameters must include 'X-Amz-Algorithm', "
                        "'X-Amz-Credential', 'X-Amz-Signature', 'X-Amz-Date', "
                        "'X-Amz-SignedHeaders', 'X-Amz-Expires'. Re-examine the "
                        "query-string parameters.")
    if not 0 < int(expires) <= MAX_EXPIRES:
        raise Forbidden(f"X-Amz-Expires must be between 1 and {MAX_EXPIRES} seconds.")
    return Signed(scope["key"], scope["date"], scope["region"], scope["service"],
                  tuple(query["X-Amz-SignedHeaders"].lower().split(";")),
                  query["X-Amz-Signature"], query.get("X-Amz-Date", ""), int(expires))
