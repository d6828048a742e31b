"""A target's hash: its files' contents, its declaration, its variables and its upstreams'."""
from __future__ import annotations

import hashlib
import json
import os
from typing import Any, Mapping

from ws.config.targets import Target

FORMAT = "1"


def digest(data: Any) -> str:
    """sha256 of canonical JSON, as ws.engine.fingerprint.digest (not imported: it loads the
    packaging modules, which `ws run` does not need)."""
    text = json.dumps(data, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def task_hash(stack: str, target: Target, files: dict[str, str], environ: Mapping[str, str],
              upstream: dict[str, str]) -> str:
    """Canonical: the same inputs give the same hash on any machine. A declared variable's
    value counts only through this hash (never stored); an unset one differs from empty."""
    variables = {name: environ.get(name) for name in sorted(target.env)}
    return digest({"format": FORMAT, "stack": stack, "target": target.name,
                   "declaration": target.declaration(), "files": files,
                   "env": digest(variables), "upstream": dict(sorted(upstream.items()))})


def current_environ() -> Mapping[str, str]:
    return os.environ
