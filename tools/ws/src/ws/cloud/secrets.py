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
SecretRef = tuple[str, str]  # ("ssm" | "secretsmanager", name)
WHOLE_ONLY = 8  # a secret shorter than this is found only as a whole value, not inside a text


@dataclass(frozen=True)
class Secret:
    value: str
    version: str


class Secrets:
    """Reads and caches secrets through the target's SSM and Secrets Manager.

    A version is read without the value (DescribeParameters, DescribeSecret): `plan` and
    `--changed` never decrypt a secret of a stack they leave alone. A value is read at the
    very version fingerprinted, so what is deployed is what the fingerprint says.
    """

    def __init__(self, make_client: Callable[[str], Any]) -> None:
        self._make_client = make_client
        self._clients: dict[str, Any] = {}
        self._versions: dict[tuple[str, str], str] = {}
        self._cache: dict[tuple[str, str], Secret] = {}
        self._lock = threading.Lock()

    def prepare(self, values: list[str]) -> None:
        """Make the clients these values need now: clients are made on the main thread."""
        for value in values:
            secret = refs.secret_of(value)
            if secret and secret[0] not in self._clients:
                self._clients[secret[0]] = self._make_client(secret[0])

    def fingerprinted(self, secrets: dict[str, SecretRef]) -> dict[str, str]:
        """What to fingerprint of each secret: kind:name@version, its value unread."""
        return {key: f"{kind}:{name}@{self.version(kind, name)}"
                for key, (kind, name) in secrets.items()}

    def resolved(self, secrets: dict[str, SecretRef]) -> dict[str, str]:
        """Each secret's value, at the version fingerprinted."""
        return {key: self.read(kind, name).value for key, (kind, name) in secrets.items()}

    def revealed(self, text: str) -> str | None:
        """kind:name of a secret read so far whose value `text` holds (the whole text, or
        inside it for a value of WHOLE_ONLY characters or more), else None."""
        with self._lock:
            read = list(self._cache.items())
        for (kind, name), secret in read:
            value = secret.value
            if value and (text == value or (len(value) >= WHOLE_ONLY and value in text)):
                return f"{kind}:{name}"
        return None

    def version(self, kind: str, name: str) -> str:
        with self._lock:
            if (kind, name) not in self._versions:
                self._versions[kind, name] = self._guarded(kind, name, self._describe)
            return self._versions[kind, name]

    def read(self, kind: str, name: str) -> Secret:
        version = self.version(kind, name)
        with self._lock:
            if (kind, name) not in self._cache:
                self._cache[kind, name] = self._guarded(
                    kind, name, lambda k, n: self._fetch(k, n, version))
            return self._cache[kind, name]

    def mask(self, text: str) -> str:
        with self._lock:
            values = [s.value for s in self._cache.values() if s.value]
        for value in sorted(values, key=len, reverse=True):
            text = text.replace(value, MASK)
        return text

    def _client(self, kind: str) -> Any:
        return self._clients.get(kind) or self._make_client(kind)

    def _describe(self, kind: str, name: str) -> str:
        """The current version, read without the value."""
        client = self._client(kind)
        if kind == "ssm":
            found = client.describe_parameters(ParameterFilters=[
                {"Key": "Name", "Option": "Equals", "Values": [name]}])["Parameters"]
            if not found:
                raise DeployError(f"cannot read SSM parameter {name!r}: it does not exist",
                                  _HINT)
            return str(found[0]["Version"])
        stages = client.describe_secret(SecretId=name).get("VersionIdsToStages", {})
        current = [v for v, labels in stages.items() if "AWSCURRENT" in labels]
        if not current:
            raise DeployError(f"Secrets Manager secret {name!r} has no current version", _HINT)
        return current[0]

    def _fetch(self, kind: str, name: str, version: str) -> Secret:
        client = self._client(kind)
        if kind == "ssm":
            found = client.get_parameter(Name=f"{name}:{version}", WithDecryption=True)
            return Secret(found["Parameter"]["Value"], version)
        found = client.get_secret_value(SecretId=name, VersionId=version)
        if "SecretString" not in found:
            raise DeployError(f"Secrets Manager secret {name!r} is binary (SecretBinary): a "
                              "template parameter takes text only",
                              "store it as a string secret (base64 it if it must be bytes)")
        return Secret(found["SecretString"], version)

    @staticmethod
    def _guarded(kind: str, name: str, call: Callable[[str, str], Any]) -> Any:
        try:
            return call(kind, name)
        except (ClientError, BotoCoreError) as exc:
            where = "SSM parameter" if kind == "ssm" else "Secrets Manager secret"
            raise DeployError(f"cannot read {where} {name!r}: {exc}", _HINT) from None


_HINT = ("create it in the target account and region (see README: secrets), or fix the name; "
         "ws needs ssm:DescribeParameters and ssm:GetParameter (or secretsmanager:DescribeSecret "
         "and secretsmanager:GetSecretValue) on it")
