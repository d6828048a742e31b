"""The name the user runs ws by: `ws`, or what a wrapper sets in WS_PROG (tools/dev), used in
click's usage lines and in ws's own hints ("run ws outputs" becomes "run tools/dev outputs")."""
from __future__ import annotations

import os
import re

PROG_VAR = "WS_PROG"  # the wrapper's command, e.g. "tools/dev"
DEFAULT_ENV_VAR = "WS_DEFAULT_ENV"  # the --env a wrapper supplies when the user gives none
COMMANDS = ("bootstrap", "deploy", "destroy", "diff", "drift", "env", "graph", "local", "lint",
            "outputs", "plan", "report", "run", "status", "unlock", "validate", "watch")
# `ws <command>` in a sentence, not `.ws/` or `ws:purpose`.
_MENTION = re.compile(r"(?<![\w./:-])ws (?=(?:%s)\b)" % "|".join(COMMANDS))


def prog() -> str:
    """The program name to show: WS_PROG when a wrapper set it, else `ws`."""
    return os.environ.get(PROG_VAR, "").strip() or "ws"


def named(text: str) -> str:
    """`text` with each `ws <command>` written as the user's program name."""
    name = prog()
    return text if name == "ws" else _MENTION.sub(name + " ", text)


def default_env() -> str | None:
    """The environment a wrapper supplies (tools/dev: local), or None: --env is required."""
    return os.environ.get(DEFAULT_ENV_VAR, "").strip() or None
