"""Where a CDK app is synthesized for: the account and region CDK reads from its environment."""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping

from ws.config.yamlfile import load
from ws.errors import WsError

LOCAL_ACCOUNT = "123456789012"  # the local endpoint's (moto's) account


@dataclass(frozen=True)
class CdkTarget:
    """CDK_DEFAULT_REGION and CDK_DEFAULT_ACCOUNT (None: the app is account-agnostic)."""

    region: str
    account: str | None = None

    def key(self) -> str:
        return f"{self.account or 'any-account'}/{self.region}"


def target_of(root: Path, env_name: str | None, default_region: str,
              environ: Mapping[str, str] = os.environ) -> CdkTarget:
    """The target of environments/<env_name>.yaml, read leniently (the environment's own
    loading reports its mistakes): local → moto's account; aws → its pinned account_id, region
    from AWS_REGION/AWS_DEFAULT_REGION or the file."""
    if env_name is None:
        return CdkTarget(default_region)
    path = root / "environments" / f"{env_name}.yaml"
    try:
        data = load(path, f"environments/{env_name}.yaml") if path.is_file() else {}
    except WsError:
        data = {}
    data = data if isinstance(data, dict) else {}
    region = str(data.get("region") or default_region)
    if data.get("target") == "aws":
        region = environ.get("AWS_REGION") or environ.get("AWS_DEFAULT_REGION") or region
        account = data.get("account_id")
        return CdkTarget(region, str(account) if account else None)
    return CdkTarget(region, LOCAL_ACCOUNT)
