"""The values of the SSM parameters stacks read (wiring, not secrets): read in batches of ten
(GetParameters), cached for the run, forgotten when the stack that writes them deploys."""
from __future__ import annotations

import threading
from typing import Any, Callable, Iterable

from botocore.exceptions import BotoCoreError, ClientError

from ws.errors import DeployError

BATCH = 10  # GetParameters takes at most ten names
MISSING = ""  # a name with no parameter (yet): fingerprinted as such


class SsmValues:
    """Reads SSM parameter values through the target's client, made on first use (on the main
    thread: the plan reads every name it needs in one batched read before stacks run)."""

    def __init__(self, make_client: Callable[[str], Any]) -> None:
        self._make_client = make_client
        self._client: Any = None
        self._values: dict[str, str] = {}
        self._lock = threading.Lock()

    def prefetch(self, names: Iterable[str]) -> None:
        """Read every name not read yet, ten to a call."""
        with self._lock:
            wanted = sorted(set(names) - set(self._values))
            if wanted and self._client is None:
                self._client = self._make_client("ssm")
        for start in range(0, len(wanted), BATCH):
            found = self._read(wanted[start:start + BATCH])
            with self._lock:
                self._values.update(found)

    def values(self, names: Iterable[str]) -> dict[str, str]:
        """Each name's value ("" where there is no such parameter)."""
        names = sorted(set(names))
        self.prefetch(names)
        with self._lock:
            return {name: self._values[name] for name in names}

    def known(self) -> list[str]:
        """The names read so far."""
        with self._lock:
            return sorted(self._values)

    def forget(self, names: Iterable[str]) -> None:
        """Read these again when next asked (the stack that writes them has deployed)."""
        with self._lock:
            for name in names:
                self._values.pop(name, None)

    def _read(self, names: list[str]) -> dict[str, str]:
        try:
            answer = self._client.get_parameters(Names=names)
        except (ClientError, BotoCoreError) as exc:
            raise DeployError(f"cannot read SSM parameters {', '.join(names)}: {exc}",
                              "ws needs ssm:GetParameters on the parameters stacks read") \
                from None
        found = dict.fromkeys(names, MISSING)
        found.update({p["Name"]: p.get("Value", "") for p in answer.get("Parameters", [])})
        return found
