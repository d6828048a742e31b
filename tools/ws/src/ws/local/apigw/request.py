"""One request to a local REST API, as the data plane sees it (plain, frozen data)."""
from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Callable


@dataclass(frozen=True)
class ApiRequest:
    """A request under /_ws/api/{api_id}/{stage}{path}: `path` starts with '/'."""

    api_id: str
    stage: str
    method: str
    path: str
    query: tuple[tuple[str, str], ...] = ()
    headers: tuple[tuple[str, str], ...] = ()
    body: bytes = b""
    source_ip: str = "127.0.0.1"
    request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    raw_target: str = ""  # the request line's path and query as the client sent them
    caller: dict[str, str] | None = None  # the AWS_IAM signer's identity, once checked

    def header(self, name: str) -> str | None:
        """The last value of header `name` (case-insensitive), or None."""
        found = [v for k, v in self.headers if k.lower() == name.lower()]
        return found[-1] if found else None


@dataclass(frozen=True)
class ApiResponse:
    """What the gateway answers: status, headers (repeatable), body."""

    status: int
    headers: tuple[tuple[str, str], ...] = ()
    body: bytes = b""

    def header(self, name: str) -> str | None:
        found = [v for k, v in self.headers if k.lower() == name.lower()]
        return found[-1] if found else None


Handler = Callable[[ApiRequest], ApiResponse]
