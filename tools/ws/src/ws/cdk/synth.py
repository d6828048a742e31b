"""`cdk synth` of an app into .ws/cdk/<stack>/<account>-<region>/assembly, skipped when nothing it reads changed
(the app's files, the context ws passes, the target account and region)."""
from __future__ import annotations

import fcntl
import json
import logging
import os
import shutil
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping

from ws.cdk.app import source_digest
from ws.cdk.target import CdkTarget
from ws.cdk.toolchain import clean_environment, cli_of, ensure_installed, run
from ws.statefiles import replace_text

FORMAT = "1"  # bump when the synth command or what ws reads from the assembly changes
log = logging.getLogger(__name__)
_FLAGS = ["--no-version-reporting", "--no-path-metadata", "--no-asset-metadata"]


@dataclass(frozen=True)
class Synth:
    """One app to synthesize: where it is, where its assembly goes, what it is given."""

    app: Path
    cache: Path  # .ws/cdk/<stack>
    display: str  # the app's cdk.json, as the user knows it
    context: dict[str, str]
    target: CdkTarget | None  # None: any target's assembly will do (commands without --env)
    default_region: str = "us-east-1"

    def inputs(self, source: str, target: CdkTarget) -> str:
        return json.dumps({"format": FORMAT, "source": source,
                           "context": self.context, "target": target.key()}, sort_keys=True)


def synthesize(job: Synth, environ: Mapping[str, str] = os.environ) -> tuple[Path, bool]:
    """The app's cloud assembly for the job's target, up to date (synthesized only when the
    app's files, the context or the target changed), and whether `cdk synth` ran. One synth
    of an app at a time (the stacks of one app are deployed by several threads)."""
    job.cache.mkdir(parents=True, exist_ok=True)
    with open(job.cache / ".synth.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        return _synthesize(job, environ)


def _synthesize(job: Synth, environ: Mapping[str, str]) -> tuple[Path, bool]:
    source = source_digest(job.app)
    targets = [job.target] if job.target else _cached_targets(job) + [CdkTarget(job.default_region)]
    for target in targets:
        folder = _folder(job, target)
        stamp = folder / "inputs.json"
        if (folder / "assembly" / "manifest.json").is_file() and stamp.is_file() \
                and stamp.read_text() == job.inputs(source, target):
            return folder / "assembly", False
    target = targets[-1]
    folder = _folder(job, target)
    folder.mkdir(parents=True, exist_ok=True)
    ensure_installed(job.app, job.display)
    scratch = folder / f"assembly.{os.getpid()}.tmp"
    shutil.rmtree(scratch, ignore_errors=True)
    started = time.monotonic()
    run(_command(job, scratch), job.app, _environment(target, environ), job.display,
        "cdk synth")
    log.info("cdk synth of %s: %.1f s", job.display, time.monotonic() - started)
    shutil.rmtree(folder / "assembly", ignore_errors=True)
    scratch.replace(folder / "assembly")
    replace_text(folder / "inputs.json", job.inputs(source, target))
    replace_text(folder / "target.json", json.dumps([target.region, target.account]))
    return folder / "assembly", True


def _folder(job: Synth, target: CdkTarget) -> Path:
    return job.cache / target.key().replace("/", "-")


def _cached_targets(job: Synth) -> list[CdkTarget]:
    found = []
    for path in sorted(job.cache.glob("*/target.json")):
        region, account = json.loads(path.read_text())
        found.append(CdkTarget(region, account))
    return found


def _command(job: Synth, out: Path) -> list[str]:
    context = [arg for key, value in sorted(job.context.items())
               for arg in ("--context", f"{key}={value}")]
    cli = cli_of(job.app, job.display)
    notices = ["--no-notices"] if _major(cli) >= 2 else []  # v2 fetches them from the network
    return ["node", str(cli), "synth", "--quiet", "--output", str(out), *_FLAGS, *notices,
            *context]


def _major(cli: Path) -> int:
    """The CDK CLI's major version (1 or 2), from its package.json."""
    try:
        version = json.loads((cli.parent.parent / "package.json").read_text())["version"]
        return int(str(version).split(".")[0])
    except (OSError, ValueError, KeyError):
        return 1


def _environment(target: CdkTarget, environ: Mapping[str, str]) -> dict[str, str]:
    env = clean_environment(environ)
    env.update({"CDK_DEFAULT_REGION": target.region, "AWS_REGION": target.region,
                "AWS_DEFAULT_REGION": target.region})
    env.pop("CDK_DEFAULT_ACCOUNT", None)
    if target.account:
        env["CDK_DEFAULT_ACCOUNT"] = target.account
    return env
