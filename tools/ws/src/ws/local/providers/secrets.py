"""AWS::SecretsManager::Secret in moto's Secrets Manager backend (GenerateSecretString too)."""
from __future__ import annotations

import json
import secrets
import string
from typing import Any

from moto.core.common_models import CloudFormationModel
from moto.secretsmanager.models import secretsmanager_backends

from .base import Provider


def _backend(account_id: str, region: str) -> Any:
    return secretsmanager_backends[account_id][region]


def generated(spec: dict[str, Any]) -> str:
    """A value as GenerateSecretString describes it: a password, alone or put in a template."""
    alphabet = "".join(chars for flag, chars in (
        ("ExcludeLowercase", string.ascii_lowercase), ("ExcludeUppercase", string.ascii_uppercase),
        ("ExcludeNumbers", string.digits), ("ExcludePunctuation", string.punctuation))
        if not spec.get(flag))
    alphabet = "".join(c for c in alphabet if c not in spec.get("ExcludeCharacters", ""))
    if not spec.get("IncludeSpace"):
        alphabet = alphabet.replace(" ", "")
    password = "".join(secrets.choice(alphabet) for _ in range(int(spec.get("PasswordLength",
                                                                           32))))
    if spec.get("SecretStringTemplate") and spec.get("GenerateStringKey"):
        value = json.loads(spec["SecretStringTemplate"])
        value[spec["GenerateStringKey"]] = password
        return json.dumps(value)
    return password


class Secret(Provider, CloudFormationModel):
    TYPE = "AWS::SecretsManager::Secret"
    ATTRS = ("Id",)

    @classmethod
    def build(cls, name: str, props: dict[str, Any], logical_id: str, account_id: str,
              region: str) -> "Secret":
        value = props.get("SecretString")
        if value is None:
            value = generated(props.get("GenerateSecretString") or {})
        answer = json.loads(_backend(account_id, region).create_secret(
            name=props.get("Name") or f"{logical_id}-{name.rsplit('-', 1)[-1]}",
            secret_string=value, secret_binary=None, description=props.get("Description"),
            tags=props.get("Tags"), kms_key_id=props.get("KmsKeyId"),
            client_request_token=None, replica_regions=[], force_overwrite=False))
        made = cls(answer["ARN"], {"Id": answer["ARN"]}, props, account_id, region, logical_id)
        made.generated = name
        return made

    def update(self, props: dict[str, Any]) -> "Secret":
        self.remove()
        return type(self).build(self.generated, props, self.logical_id, self.account_id,
                                self.region)

    def remove(self) -> None:
        backend = _backend(self.account_id, self.region)
        if backend.secrets.get(self.physical_id) is not None:
            backend.delete_secret(self.physical_id, None, True)
