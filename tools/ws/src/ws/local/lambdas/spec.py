"""What a worker runs: a deployed function's version, code and configuration, as frozen data."""
from __future__ import annotations

import io
import os
import re
import shutil
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ws.errors import EndpointError


@dataclass(frozen=True)
class FunctionSpec:
    """One function version as deployed. Equal specs may share warm workers; any change
    (code, handler, environment, timeout, memory) makes a new spec, hence new workers."""

    name: str
    arn: str
    version: str
    runtime: str
    handler: str
    timeout: int
    memory: int
    env: tuple[tuple[str, str], ...]
    code_sha: str
    region: str
    account: str
    package_type: str = "Zip"
    layers: tuple[str, ...] = ()  # layer version ARNs, in the function's order
    unheld_layers: tuple[str, ...] = ()  # another account's: it runs without them

    @property
    def log_group(self) -> str:
        return f"/aws/lambda/{self.name}"


def language(runtime: str) -> str | None:
    """'python', 'node', or None for a runtime the local endpoint cannot run."""
    if runtime.startswith("python3"):
        return "python"
    if runtime.startswith("nodejs"):
        return "node"
    return None


def spec_of(fn: Any) -> FunctionSpec:
    """The spec of a moto LambdaFunction."""
    env = fn.environment_vars or {}
    return FunctionSpec(
        name=fn.function_name, arn=fn.function_arn, version=str(fn.version),
        runtime=fn.run_time or "", handler=fn.handler or "", timeout=int(fn.timeout or 3),
        memory=int(fn.memory_size or 128),
        env=tuple(sorted((str(k), str(v)) for k, v in env.items())),
        code_sha=getattr(fn, "code_digest", "") or "", region=fn.region,
        account=fn.account_id, package_type=fn.package_type or "Zip",
        layers=tuple(str(layer.get("Arn", "")) for layer in (getattr(fn, "layers", None) or [])),
        unheld_layers=tuple(getattr(fn, "ws_unheld_layers", ())))


def _safe(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]", "_", name)


def code_dir(root: Path, spec: FunctionSpec, code: bytes) -> Path:
    """The folder holding the function's deployed package, extracted once per code version."""
    target = root / _safe(spec.name) / _safe(f"{spec.version}-{spec.code_sha[:16]}")
    if not code and not target.is_dir():
        raise EndpointError(f"function {spec.name} has no code package to run")
    return extract(target, [code], f"the code package of {spec.name}")


def extract(target: Path, archives: list[bytes], what: str,
            folders: tuple[Path, ...] = ()) -> Path:
    """`archives` extracted in order into `target`, once, over `folders` copied first (copies,
    not links: an archive's file written over one must leave the folder as it is). Extraction goes to a scratch folder renamed into place, so a
    crash never leaves a half-extracted folder that a later worker would run."""
    if target.is_dir():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(dir=target.parent, prefix=".extract-"))
    try:
        for folder in folders:
            shutil.copytree(folder, scratch, symlinks=True, dirs_exist_ok=True)
        for code in archives:
            with zipfile.ZipFile(io.BytesIO(code)) as archive:
                archive.extractall(scratch)
        os.rename(scratch, target)
    except zipfile.BadZipFile:
        raise EndpointError(f"{what} is not a zip file") from None
    except OSError:
        if not target.is_dir():  # not a concurrent extraction of the same version
            raise
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return target
