"""Lambda's own asynchrony laid over moto's: UpdateFunctionCode and UpdateFunctionConfiguration
answer at once with LastUpdateStatus InProgress, and take effect L seconds later (the call is
passed to moto then, so invokes run the old code until the update is done, as on AWS);
meanwhile GetFunction(Configuration) says InProgress and another update of the function is
refused (ResourceConflictException), as Lambda does."""
from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from typing import Callable
from urllib.parse import unquote

Answer = tuple[int, bytes]
Reply = tuple[int, list[tuple[str, str]], bytes]  # status, headers, body
Forward = Callable[[], object]  # the call, passed to moto as it came
_UPDATES = ("/code", "/configuration")


def function_of(path: str) -> tuple[str, str]:
    """(function name, the rest) from /2015-03-31/functions/NAME[/rest][?query]."""
    parts = unquote(path.split("?", 1)[0]).split("/")
    if len(parts) < 4 or parts[2] != "functions":
        return "", ""
    name = parts[3].rsplit(":function:", 1)[-1].split(":", 1)[0]
    return name, "/" + "/".join(parts[4:]) if len(parts) > 4 else ""


@dataclass
class AsyncFunctions:
    """Functions being updated: name -> when the update takes effect."""

    delay: float = 1.0  # L
    clock: Callable[[], float] = time.time
    until: dict[str, float] = field(default_factory=dict)
    updates: list[tuple[float, str, str]] = field(default_factory=list)  # (asked, name, what)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def busy(self, name: str) -> bool:
        with self.lock:
            return self.clock() < self.until.get(name, 0.0)

    def handle(self, method: str, path: str, forward: Forward,
               read: Callable[[str], Answer]) -> Reply | None:
        """An answer instead of moto's (None: forward as it is). `read(name)` is moto's
        GetFunctionConfiguration of the function."""
        name, rest = function_of(path)
        if not name:
            return None
        if method == "PUT" and rest in _UPDATES:
            if self.busy(name):
                return 409, [("x-amzn-ErrorType", "ResourceConflictException"),
                             ("Content-Type", "application/json")], json.dumps({
                    "Type": "User", "message": "The operation cannot be performed at this "
                    f"time. An update is in progress for resource: {name}"}).encode()
            with self.lock:
                self.until[name] = self.clock() + self.delay
                self.updates.append((self.clock(), name, rest[1:]))
            threading.Timer(self.delay, forward).start()
            status, body = read(name)
            return status, [("Content-Type", "application/json")], \
                _with_status(body, "InProgress", False)
        return None

    def after(self, method: str, path: str, status: int, body: bytes) -> Answer:
        """moto's answer to a read, saying InProgress while an update is under way."""
        name, rest = function_of(path)
        if method != "GET" or status != 200 or not self.busy(name) \
                or rest not in ("", "/configuration"):
            return status, body
        return status, _with_status(body, "InProgress", rest == "")


def _with_status(body: bytes, status: str, nested: bool) -> bytes:
    try:
        data = json.loads(body)
    except ValueError:
        return body
    config = data.get("Configuration", data) if nested else data
    config["LastUpdateStatus"] = status
    return json.dumps(data).encode()
