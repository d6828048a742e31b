"""The content of a public layer ws stands in for (publiclayers.py), installed from its registry
into the user's cache as the layer would be extracted at /opt: Python packages in ``python/``
(wheels for the Python and machine that run local functions, as local builds make them), npm
packages in ``nodejs/node_modules``. Made once per set of packages, in a scratch folder renamed
into place under a file lock; a later run reuses it (the newest release of the major version at
the time it was made)."""
from __future__ import annotations

import hashlib
import json
import logging
import shutil
import subprocess
from pathlib import Path

from ws.local.lambdas.cachedfolder import made_once, unwritable, user_cache
from ws.local.lambdas.publiclayers import StandIn, stand_in

SECONDS = 300
log = logging.getLogger(__name__)


class Unavailable(Exception):
    """The layer's packages could not be installed (the message says why, in one line)."""


def default_cache() -> Path:
    """ws's folder in the user's cache (XDG_CACHE_HOME honoured)."""
    return user_cache("public-layers")


def place(standin: StandIn, cache: Path) -> Path:
    """Where the folder standing in for the layer's /opt is, made or not."""
    from ws.package.builds.python import this_architecture, this_python
    platform = (this_python() if standin.language == "python" else "nodejs") + \
        f"-{this_architecture()}"
    key = hashlib.sha256(json.dumps([standin.requirements(), platform]).encode()).hexdigest()
    return cache / f"{standin.language}{standin.major}-{platform}-{key[:12]}"


def folder(standin: StandIn, cache: Path) -> Path:
    """The folder standing in for the layer's /opt, installed the first time."""
    target = place(standin, cache)
    if target.is_dir():
        return target
    try:
        took = made_once(target, lambda scratch: _install(standin, scratch))
    except OSError as exc:
        raise Unavailable(unwritable(exc, cache)) from None
    if took is not None:
        log.warning("installed %s for a public layer into %s in %.1f s",
                    " ".join(standin.requirements()), target, took)
    return target


def _install(standin: StandIn, scratch: Path) -> None:
    if standin.language == "python":
        _pip(standin, scratch)
    else:
        _npm(standin, scratch)


def _pip(standin: StandIn, scratch: Path) -> None:
    from ws.package.builds.python import (pip_arguments, runtime_boto3, this_architecture,
                                          this_python)
    listed = scratch / ".requirements.txt"
    listed.write_text("".join(f"{line}\n" for line in standin.requirements()))
    target, runtime, arch = scratch / "python", this_python(), this_architecture()
    _checked(pip_arguments(listed, target, runtime, arch, here=True), scratch, "pip")
    runtime_boto3(target, scratch, runtime, arch, subprocess.run)
    listed.unlink()


def _npm(standin: StandIn, scratch: Path) -> None:
    npm = shutil.which("npm")
    if npm is None:
        raise Unavailable("npm is not on PATH: install Node.js with npm")
    work = scratch / "nodejs"
    work.mkdir()
    dependencies = dict(spec.rsplit("@", 1) for spec in standin.requirements())
    (work / "package.json").write_text(json.dumps({"private": True,
                                                   "dependencies": dependencies}))
    _checked([npm, "install", "--no-audit", "--no-fund", "--ignore-scripts", "--omit=dev",
              "--no-package-lock", "--loglevel=error"], work, "npm")
    (work / "package.json").unlink()


def _checked(command: list[str], cwd: Path, tool: str) -> None:
    try:
        done = subprocess.run(command, cwd=cwd, capture_output=True, text=True,
                              timeout=SECONDS, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        raise Unavailable(f"{tool} install took more than {SECONDS} s") from None
    except OSError as exc:
        raise Unavailable(f"{tool} could not start: {exc}") from None
    if done.returncode != 0:
        tail = " / ".join((done.stderr or done.stdout).strip().splitlines()[-2:])
        raise Unavailable(f"{tool} install failed: {tail}")


def installed_version(standin: StandIn, cache: Path) -> str | None:
    """The version of the stand-in's first package installed already, or None."""
    opt, name = place(standin, cache), standin.packages[0].split("[", 1)[0]
    if standin.language == "python":
        found = sorted((opt / "python").glob(f"{name.replace('-', '_')}-*.dist-info"))
        return found[-1].name[len(name) + 1:-len(".dist-info")] if found else None
    manifest = opt / "nodejs" / "node_modules" / name / "package.json"
    return json.loads(manifest.read_text()).get("version") if manifest.is_file() else None


def stand_ins(arns: tuple[str, ...], cache: Path) -> tuple[tuple[Path, ...], tuple[str, ...]]:
    """The folders standing in for the known public layers among `arns` (another account's),
    and the layers of `arns` the function still runs without: unknown ones and those whose
    install failed (said in ws's log)."""
    folders: list[Path] = []
    without: list[str] = []
    for arn in arns:
        standin = stand_in(arn)
        try:
            if standin is not None:
                folders.append(folder(standin, cache))
                continue
        except Unavailable as exc:
            log.warning("the function runs without %s: %s", arn, exc)
        without.append(arn)
    return tuple(folders), tuple(without)
