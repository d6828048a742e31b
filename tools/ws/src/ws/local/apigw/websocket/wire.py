"""The WebSocket protocol (RFC 6455, through wsproto) on a socket the HTTP server handed
over: the opening handshake accepted or refused, messages in, messages and a close out.
Sending is safe from any thread (the @connections API sends while the session reads)."""
from __future__ import annotations

import socket
import threading
from typing import Any, Iterator

from wsproto import ConnectionType, WSConnection
from wsproto.connection import ConnectionState
from wsproto.events import (AcceptConnection, BytesMessage, CloseConnection, Event, Message,
                            Ping, RejectConnection, RejectData, Request, TextMessage)
from wsproto.utilities import LocalProtocolError, RemoteProtocolError

ABNORMAL = 1006  # the connection ended without a close frame
CLOSE_WAIT = 5.0  # seconds a client has to answer our close frame before the socket drops


class HandshakeError(Exception):
    """The request is not a WebSocket opening handshake."""


class Gone(Exception):
    """The connection is closed: nothing can be sent on it."""


class Wire:
    """One WebSocket connection, server side. `reader` is the HTTP server's buffered reader
    of `sock` (it may already hold the client's first bytes)."""

    def __init__(self, sock: socket.socket, reader: Any) -> None:
        self._sock = sock
        self._reader = reader
        self._ws = WSConnection(ConnectionType.SERVER)
        self._lock = threading.Lock()
        self.close_code = ABNORMAL

    def handshake(self, head: bytes) -> Request:
        """The opening request, from the HTTP request's head (request line and headers)."""
        try:
            self._ws.receive_data(head)
            found = [e for e in self._ws.events() if isinstance(e, Request)]
        except RemoteProtocolError as exc:
            raise HandshakeError(str(exc)) from None
        if not found:
            raise HandshakeError("incomplete opening handshake")
        return found[0]

    def accept(self, subprotocol: str | None = None) -> None:
        self._write(AcceptConnection(subprotocol=subprotocol))

    def reject(self, status: int, body: bytes) -> None:
        """Refuse the connection with an HTTP answer."""
        headers = [(b"Content-Type", b"application/json"),
                   (b"Content-Length", str(len(body)).encode())]
        self._write(RejectConnection(status_code=status, headers=headers, has_body=True))
        self._write(RejectData(data=body))

    def send(self, data: bytes) -> None:
        """Send one message: a text frame when `data` is UTF-8, else a binary frame."""
        try:
            message: Event = TextMessage(data=data.decode("utf-8"))
        except UnicodeDecodeError:
            message = BytesMessage(data=data)
        self._write(message)

    def close(self, code: int = 1000) -> None:
        """Start the closing handshake: the session ends when the client answers, or
        CLOSE_WAIT seconds later."""
        try:
            self._write(CloseConnection(code=code))
        except Gone:
            return
        timer = threading.Timer(CLOSE_WAIT, self._drop)
        timer.daemon = True
        timer.start()

    def _drop(self) -> None:
        try:
            self._sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    def messages(self) -> Iterator[str | bytes]:
        """Each complete message the client sends, until the connection closes."""
        parts: list[Any] = []
        while True:
            try:
                data = self._reader.read1(65536)
            except OSError:
                return
            if not data:
                return
            with self._lock:
                self._ws.receive_data(data)
                events = list(self._ws.events())
            for event in events:
                if isinstance(event, Ping):
                    self._write(event.response())
                elif isinstance(event, CloseConnection):
                    self.close_code = event.code
                    if self._ws.state is ConnectionState.REMOTE_CLOSING:
                        self._write(event.response())
                    return
                elif isinstance(event, Message):
                    parts.append(event.data)
                    if event.message_finished:
                        yield "".join(parts) if isinstance(event, TextMessage) else b"".join(parts)
                        parts = []

    def _write(self, event: Event) -> None:
        with self._lock:
            try:
                self._sock.sendall(self._ws.send(event))
            except (OSError, LocalProtocolError) as exc:
                raise Gone(str(exc)) from None
