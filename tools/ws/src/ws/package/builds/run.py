"""Running build tools: one error type, the last lines of what failed, missing tools named."""
from __future__ import annotations

import os
import subprocess
from pathlib import Path
from typing import Callable

from ws.errors import DeployError

Runner = Callable[..., subprocess.CompletedProcess]


class BuildError(DeployError):
    """A function or layer could not be built: that stack fails, the others go on."""


def run(args: list[str], runner: Runner, cwd: Path,
        env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """Run a build command, its output captured; a missing program is a BuildError."""
    try:
        return runner(args, cwd=str(cwd), capture_output=True, text=True,
                      env={**os.environ, **env} if env else None)
    except FileNotFoundError:
        raise BuildError(f"`{Path(args[0]).name}` is not installed: it is needed to build here",
                         f"install {Path(args[0]).name} and deploy again") from None


def checked(args: list[str], runner: Runner, cwd: Path, what: str,
            env: dict[str, str] | None = None) -> None:
    """Run and raise a BuildError that ends with the tool's last lines when it fails."""
    proc = run(args, runner, cwd, env)
    if proc.returncode != 0:
        tail = " / ".join((proc.stderr or proc.stdout or "").strip().splitlines()[-4:])
        raise BuildError(f"{what} failed: {tail}")
