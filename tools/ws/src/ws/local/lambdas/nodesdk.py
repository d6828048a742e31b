"""The AWS SDK that Lambda's Node.js runtimes bundle, installed from npm for functions that
do not bring it (sdkscan.py says which packages they use).

Installed once per set of packages, into the user's cache: in a scratch folder renamed into
place under a file lock, so concurrent installs (threads, ws processes) never leave a half-made
folder. Workers find them after the function's own node_modules, as on Lambda (sdkenv.py).
"""
from __future__ import annotations

import hashlib
import json
import logging
import re
import subprocess
from pathlib import Path
from urllib.parse import unquote

from ws.local.lambdas.cachedfolder import made_once, unwritable, user_cache

# v3: the newest release when this was written (3.1178.0, published 2026-11-25), so every
# client Lambda offers exists; Lambda keeps its bundled SDK recent too. It reads
# AWS_ENDPOINT_URL. npm's --before makes the whole tree (@smithy/*, independently versioned
# @aws-sdk/* helpers) the one published with it, the same on every machine.
V3 = "3.1178.0"
V3_BEFORE = "2026-11-25T23:59:59Z"
V2 = "2.1693.0"  # the last release of v2, which nodejs16.x and older bundle
NPM_SECONDS = 180
log = logging.getLogger(__name__)


class Unavailable(Exception):
    """The SDK could not be installed (the message says why, in one line)."""


def default_cache() -> Path:
    """Where installs are kept: ws's folder in the user's cache (XDG_CACHE_HOME honoured)."""
    return user_cache("lambda-node-sdk")


def install(packages: tuple[str, ...], cache: Path, npm: str | None) -> Path:
    """The folder whose node_modules holds `packages`, installed once per set."""
    v3 = packages[0].startswith("@aws-sdk/")
    dependencies = {name: f"<={V3}" if v3 else V2 for name in packages}
    key = hashlib.sha256(json.dumps(dependencies, sort_keys=True).encode()).hexdigest()[:16]
    target = cache / f"{'v3-' + V3 if v3 else 'v2-' + V2}-{key}"
    if target.is_dir():
        return target
    if npm is None:
        raise Unavailable("npm is not on PATH: install Node.js with npm")
    try:
        took = made_once(target, lambda scratch: _npm_install(
            npm, dependencies, scratch, before=V3_BEFORE if v3 else None))
    except OSError as exc:
        raise Unavailable(unwritable(exc, cache)) from None
    if took is not None:
        log.warning("installed %s (the AWS SDK Lambda bundles) into %s in %.1f s",
                    " ".join(packages), target, took)
    return target


def _npm_install(npm: str, dependencies: dict[str, str], scratch: Path,
                 before: str | None) -> None:
    """Install into the scratch folder. A name npm does not know (a string in the code that is
    no package, a client newer than the pin) is left out, as Lambda does not bundle it
    either."""
    dependencies = dict(dependencies)
    while True:
        (scratch / "package.json").write_text(json.dumps(
            {"private": True, "dependencies": dependencies}))
        done = _run_npm(npm, scratch, before)
        if done.returncode == 0:
            return
        unknown = _unknown(done.stderr, dependencies)
        if unknown is None or len(dependencies) == 1:
            raise Unavailable(f"npm install failed: {_first_error(done.stderr)}")
        del dependencies[unknown]


def _run_npm(npm: str, folder: Path, before: str | None) -> subprocess.CompletedProcess[str]:
    command = [npm, "install", "--no-audit", "--no-fund", "--ignore-scripts",
               "--no-package-lock", "--loglevel=error", "--fetch-retries=1",
               "--fetch-retry-mintimeout=1000", "--fetch-retry-maxtimeout=5000",
               *([f"--before={before}"] if before else [])]
    try:
        return subprocess.run(command, cwd=folder, capture_output=True, text=True,
                              timeout=NPM_SECONDS, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        raise Unavailable(f"npm install took more than {NPM_SECONDS} s") from None
    except OSError as exc:
        raise Unavailable(f"npm could not start: {exc}") from None


def _unknown(stderr: str, dependencies: dict[str, str]) -> str | None:
    """The package npm answered 404 for, when it is one of `dependencies`."""
    found = re.search(r"404 Not Found - GET \S+/(\S+)", stderr)
    name = unquote(found[1]) if found else None
    return name if name in dependencies else None


def _first_error(stderr: str) -> str:
    lines = [line.removeprefix("npm error").strip() for line in stderr.splitlines()]
    skipped = ("code ", "syscall ", "errno ", "A complete log")
    lines = [line for line in lines if line and not line.startswith(skipped)]
    return lines[0] if lines else "no reason given"
