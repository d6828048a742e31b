"""The open WebSocket connections of the endpoint, by connection id (shared by the sessions
that own them and the @connections API that reaches them from other threads)."""
from __future__ import annotations

import secrets
import string
import threading
from dataclasses import dataclass, field
from typing import Any, Protocol


class Link(Protocol):
    """How a connection is reached: send a message, or close it."""

    def send(self, data: bytes) -> None: ...

    def close(self, code: int = 1000) -> None: ...


@dataclass
class Connection:
    """One open connection: where it belongs, who opened it, and its link."""

    connection_id: str
    api_id: str
    stage: str
    source_ip: str
    user_agent: str
    connected_at: float
    link: Link
    authorizer: dict[str, Any] | None = None
    identity: dict[str, str] | None = None  # the AWS_IAM caller's requestContext.identity
    last_active_at: float = 0.0


_ID_ALPHABET = string.ascii_letters + string.digits


def new_id() -> str:
    """A connection id shaped like AWS's ('L0SM9cOFvHcCIhw='), without '+' or '/': mapping
    templates put it in form bodies and URLs unescaped, as real templates do."""
    return "".join(secrets.choice(_ID_ALPHABET) for _ in range(15)) + "="


@dataclass
class Connections:
    """The registry; every method is safe to call from any thread."""

    _open: dict[str, Connection] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, connection: Connection) -> None:
        with self._lock:
            self._open[connection.connection_id] = connection

    def remove(self, connection_id: str) -> None:
        with self._lock:
            self._open.pop(connection_id, None)

    def get(self, api_id: str, connection_id: str) -> Connection | None:
        """The open connection `connection_id` of API `api_id`, or None (gone)."""
        with self._lock:
            found = self._open.get(connection_id)
        return found if found is not None and found.api_id == api_id else None
