"""An AWS environment file as shipped (a profile nobody configured, an example account id):
say which file and field to fill in, before any AWS call."""
from __future__ import annotations

import os
import re
from pathlib import Path

import botocore.session

from ws.config.environment import Environment
from ws.errors import ConfigError


def looks_like_placeholder(account_id: str | None) -> bool:
    """An example account id: one digit twelve times (111111111111) or AWS's 123456789012."""
    return bool(account_id) and (len(set(account_id or "")) == 1 or account_id == "123456789012")


def field_line(root: Path, env: Environment, field: str) -> int | None:
    """The line of `field:` in the environment's file, if it can be read."""
    try:
        text = (root / env.file).read_text(encoding="utf-8")
    except OSError:
        return None
    for number, line in enumerate(text.splitlines(), 1):
        if re.match(rf"{field}\s*:", line):
            return number
    return None


def check_profile(root: Path, env: Environment, available: list[str] | None = None) -> None:
    """Refuse (exit 2) a profile from the file that is not configured here, naming the file,
    its line and what to do. AWS_PROFILE/--profile and CI's default credentials are left to
    the session (see backend.aws_session)."""
    if not env.profile or "AWS_PROFILE" in env.origin or os.environ.get("CI") == "true":
        return
    known = botocore.session.Session().available_profiles if available is None else available
    if env.profile in known:
        return
    account = f" and 'account_id' ({env.account_id}, an example)" \
        if looks_like_placeholder(env.account_id) else ""
    raise ConfigError(
        f"AWS profile {env.profile!r} is not configured on this machine",
        f"fill in 'profile'{account} in {env.file} with your own (profiles here: "
        f"{', '.join(known) or 'none'}; create one with aws configure --profile NAME), "
        f"or pass --profile NAME; no AWS account needed: --env local",
        path=env.file, line=field_line(root, env, "profile"))


def check_account(root: Path, env: Environment, account: str) -> None:
    """The credentials work, but the file still pins an example account id: fill it in."""
    if env.account_id and account != env.account_id and looks_like_placeholder(env.account_id):
        raise ConfigError(
            f"'account_id' is {env.account_id}, an example, but the credentials are for "
            f"account {account}",
            f"fill in 'account_id' in {env.file} with the id of the account this environment "
            "deploys to (aws sts get-caller-identity)",
            path=env.file, line=field_line(root, env, "account_id"))
