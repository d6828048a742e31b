"""Names: those of workspaces, stacks and regions, an environment's naming template,
developers' owner ids, CloudFormation's rules."""
from __future__ import annotations

import getpass
import hashlib
import re
import string
import subprocess
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from ws.errors import ConfigError, UsageError

NAME = re.compile(r"^[a-z][a-z0-9-]{0,39}$")  # a workspace's, a stack's, an environment's
NAME_HINT = "use lower-case letters, digits and '-', starting with a letter (at most 40)"
REGION = re.compile(r"^[a-z]{2}(-[a-z]+)+-\d{1,2}$")
PLACEHOLDERS = ("workspace", "env", "owner", "stack")
STACK_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9-]{0,127}$")
STACK_NAME_RULE = "letters, digits and '-', starting with a letter, at most 128 characters"
OWNER_MAX = 20  # long enough to read, short enough to leave room for the rest of the name


@dataclass(frozen=True)
class Naming:
    """A checked naming template, e.g. "{workspace}-{env}-{owner}-{stack}", and its values."""

    template: str
    workspace: str
    env: str
    owner: str | None = None

    def stack_name(self, stack: str) -> str:
        return self.template.format(workspace=self.workspace, env=self.env,
                                    owner=self.owner or "", stack=stack)

    @property
    def prefix(self) -> str:
        """The name without its stack part: what every stack of this instance shares."""
        rest = self.template.replace("-{stack}", "").replace("{stack}-", "")
        return rest.format(workspace=self.workspace, env=self.env, owner=self.owner or "")


def check_region(region: str, path: str, line: int | None) -> None:
    """A region name shaped like AWS's (us-east-1, eu-central-2, us-gov-west-1)."""
    if not REGION.match(region):
        raise ConfigError(f"region {region!r} is not an AWS region name",
                          "write it like us-east-1 or eu-west-2", path=path, line=line)


def check_template(template: str, per_developer: bool, path: str, line: int | None) -> None:
    """Placeholders are known, {stack} is the first or last part, {owner} iff per developer."""
    try:
        parsed = [(f, spec, conversion) for _, f, spec, conversion
                  in string.Formatter().parse(template) if f is not None]
    except ValueError as exc:
        raise ConfigError(f"naming {template!r} is not a valid template ({exc})",
                          path=path, line=line) from None
    if any(spec or conversion for _, spec, conversion in parsed):
        raise ConfigError(f"naming {template!r}: a placeholder takes no format (':' or '!')",
                          "write placeholders bare, like {workspace}-{env}-{stack}",
                          path=path, line=line)
    fields = [f for f, _, _ in parsed]
    unknown = sorted(set(fields) - set(PLACEHOLDERS))
    hint = "write it like {workspace}-{env}-{stack}; placeholders: " + \
        ", ".join("{" + p + "}" for p in PLACEHOLDERS)
    if unknown or fields.count("stack") != 1 or not (
            template.startswith("{stack}-") or template.endswith("-{stack}")):
        raise ConfigError(f"naming {template!r} must use known placeholders and {{stack}} once, "
                          "as its first or last part", hint, path=path, line=line)
    if per_developer and "owner" not in fields:
        raise ConfigError(f"naming {template!r} has no {{owner}}, but the environment is "
                          "per-developer", "add {owner}, e.g. {workspace}-{env}-{owner}-{stack}",
                          path=path, line=line)
    if not per_developer and "owner" in fields:
        raise ConfigError(f"naming {template!r} uses {{owner}}, but the environment is not "
                          "per-developer", "set 'per_developer: true' or drop {owner}",
                          path=path, line=line)


def check_names(naming: Naming, stacks: list[str], path: str, line: int | None) -> None:
    for stack in stacks:
        name = naming.stack_name(stack)
        if not STACK_NAME.match(name):
            raise ConfigError(f"stack name {name!r} (naming {naming.template!r}) is not valid "
                              "in CloudFormation", f"stack names take {STACK_NAME_RULE}",
                              path=path, line=line)


def sanitise_owner(raw: str) -> str:
    """An owner id stack names allow: ASCII lower-case words joined by '-', at most OWNER_MAX.

    A longer name is cut and given a short hash of the whole, so two long names that share
    their start stay apart.
    """
    ascii_text = unicodedata.normalize("NFKD", raw).encode("ascii", "ignore").decode()
    owner = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    if not owner or not owner[0].isalpha():
        raise UsageError(f"owner {raw!r} gives no usable id for stack names (it must have "
                         "ASCII letters or digits, starting with a letter)",
                         "pass --owner NAME, e.g. --owner jdoe")
    if len(owner) > OWNER_MAX:
        tag = hashlib.sha256(raw.encode()).hexdigest()[:6]
        owner = owner[:OWNER_MAX - 7].rstrip("-") + "-" + tag
    return owner


def default_owner(root: Path) -> str | None:
    """The developer: git's user.name in this repository, else the OS user."""
    try:
        name = subprocess.run(["git", "config", "user.name"], cwd=root, capture_output=True,
                              text=True, timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        name = ""
    if name:
        return name
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no user name for this uid (some containers)
        return None
