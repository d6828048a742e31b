"""Secret parameter values: `${ssm:NAME}` and `${secretsmanager:ID}`, read at deploy time.

The repository holds only the name; the value goes to CloudFormation as a NoEcho parameter
and is masked wherever ws prints. A fingerprint records the secret's version, not its value,
so a rotated secret redeploys with `--changed`.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any, Callable

from botocore.exceptions import BotoCoreError, ClientError

from ws.config import refs
from ws.errors import DeployError

MASK = "****"


@dataclass(frozen=True)
class Secret:
    value: str
    version: str


class Secrets:
    """Reads and caches secrets through the target's SSM and Secrets Manager."""

    def __init__(self, make_client: Callable[[str], Any]) -> None:
        self._make_client = make_client
        self._clients: dict[str, Any] = {}
        self._cache: dict[tuple[str, str], Secret] = {}
        self._lock = threading.Lock()

    def prepare(self, values: list[str]) -> None:
        """Make the clients these values need now: clients are made on the main thread."""
        for value in values:
            secret = refs.secret_of(value)
            if secret and secret[0] not in self._clients:
                self._clients[secret[0]] = self._make_client(secret[0])

    def apply(self, params: dict[str, str]) -> tuple[dict[str, str], dict[str, str]]:
        """(values to send, values to fingerprint): secrets read; fingerprinted by version."""
        send, printed = dict(params), dict(params)
        for key, value in params.items():
            found = refs.secret_of(value)
            if found is not None:
                secret = self.read(*found)
                send[key] = secret.value
                printed[key] = f"{found[0]}:{found[1]}@{secret.version}"
        return send, printed

    def read(self, kind: str, name: str) -> Secret:
        with self._lock:
            if (kind, name) not in self._cache:
                self._cache[kind, name] = self._fetch(kind, name)
            return self._cache[kind, name]

    def mask(self, text: str) -> str:
        with self._lock:
            values = [s.value for s in self._cache.values() if s.value]
        for value in sorted(values, key=len, reverse=True):
            text = text.replace(value, MASK)
        return text

    def _fetch(self, kind: str, name: str) -> Secret:
        client = self._clients.get(kind) or self._make_client(kind)
        try:
            if kind == "ssm":
                found = client.get_parameter(Name=name, WithDecryption=True)["Parameter"]
                return Secret(found["Value"], str(found["Version"]))
            found = client.get_secret_value(SecretId=name)
            return Secret(found.get("SecretString", ""), found["VersionId"])
        except (ClientError, BotoCoreError) as exc:
            where = "SSM parameter" if kind == "ssm" else "Secrets Manager secret"
            raise DeployError(f"cannot read {where} {name!r}: {exc}",
                              "create it in the target account and region (see README: "
                              "secrets), or fix the name") from None
