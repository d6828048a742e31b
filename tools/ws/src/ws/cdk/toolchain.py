"""The app's own Node.js toolchain: its lock file installed once (npm ci, cached by the lock's
hash), and its own CDK CLI (the `aws-cdk` package, v1 or v2) from node_modules."""
from __future__ import annotations

import hashlib
import logging
import os
import subprocess
import time
from pathlib import Path
from typing import Mapping

from ws.errors import ConfigError

log = logging.getLogger(__name__)
MARKER = ".ws-npm-ci"  # in node_modules: the sha256 of the lock file it was installed from
CLI = Path("node_modules/aws-cdk/bin/cdk")
_CREDENTIALS = ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE",
                "AWS_DEFAULT_PROFILE", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_STS")


def ensure_installed(app: Path, display: str) -> bool:
    """Install node_modules when the lock file changed since the last install; True if it ran."""
    lock = app / "package-lock.json"
    manifest = lock if lock.is_file() else app / "package.json"
    if not manifest.is_file():
        raise ConfigError("a CDK app needs a package.json (with aws-cdk and its libraries)",
                          path=display)
    wanted = hashlib.sha256(manifest.read_bytes()).hexdigest()
    marker = app / "node_modules" / MARKER
    if marker.is_file() and marker.read_text().strip() == wanted:
        return False
    command = ["npm", "ci"] if lock.is_file() else ["npm", "install"]
    started = time.monotonic()
    run(command + ["--no-audit", "--no-fund"], app, os.environ, display, "npm install")
    log.info("%s for %s: %.1f s", " ".join(command), display, time.monotonic() - started)
    marker.write_text(wanted + "\n")
    return True


def cli_of(app: Path, display: str) -> Path:
    """The app's own CDK CLI."""
    cli = app / CLI
    if not cli.is_file():
        raise ConfigError("the CDK app has no CDK CLI in node_modules",
                          "add aws-cdk to its package.json (devDependencies) and its lock file",
                          path=display)
    return cli


def clean_environment(environ: Mapping[str, str]) -> dict[str, str]:
    """The app runs without AWS credentials: synth needs none, and nothing can leak or look
    up the account behind ws's back (the CLI would otherwise ask STS)."""
    env = {k: v for k, v in environ.items() if k not in _CREDENTIALS}
    env.update({"AWS_CONFIG_FILE": os.devnull, "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
                "AWS_EC2_METADATA_DISABLED": "true", "CDK_DISABLE_STACK_TRACE": "1",
                "CI": "true"})
    return env


def run(command: list[str], cwd: Path, env: Mapping[str, str], display: str, what: str) -> None:
    """Run a toolchain step; a failure is the stack's bad input, quoting its last lines."""
    try:
        done = subprocess.run(command, cwd=cwd, env=dict(env), capture_output=True, text=True,
                              timeout=900, check=False)
    except FileNotFoundError:
        raise ConfigError(f"{command[0]} is not installed: a CDK app needs Node.js and npm",
                          path=display) from None
    except subprocess.TimeoutExpired:
        raise ConfigError(f"{what} took more than 15 minutes", path=display) from None
    if done.returncode != 0:
        lines = [line for line in (done.stderr + done.stdout).splitlines() if line.strip()
                 and set(line.strip()) != {"!"}]
        tail = "\n  ".join(lines[-8:]) or f"exit code {done.returncode}"
        raise ConfigError(f"{what} failed:\n  {tail}", "fix the app, then run ws again",
                          path=display)
