"""Build code folders that declare requirements with `sam build`, cached by content."""
from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Callable

from ws.errors import DeployError
from ws.package.code import CodeFolder, files_of

Runner = Callable[..., subprocess.CompletedProcess]


def needs_build(folder: Path) -> bool:
    """True when the folder has a requirements.txt with at least one requirement."""
    reqs = folder / "requirements.txt"
    if not reqs.is_file():
        return False
    lines = (line.split("#", 1)[0].strip() for line in reqs.read_text().splitlines())
    return any(lines)


def content_hash(folder: Path, runtime: str | None) -> str:
    return hashlib.sha256(json.dumps(runtime).encode() + _tree_digest(folder).encode()).hexdigest()


def sam_command() -> str:
    local = Path(sys.executable).with_name("sam")
    found = str(local) if local.exists() else shutil.which("sam")
    if not found:
        raise DeployError("aws-sam-cli (the `sam` command) is not installed",
                          "install ws with its dependencies: pip install -e tools/ws")
    return found


class SamBuilder:
    """Callable for artifacts.package: the folder to zip for one function."""

    def __init__(self, cache_dir: Path, runner: Runner = subprocess.run) -> None:
        self.cache_dir = cache_dir
        self.runner = runner

    def __call__(self, folder: CodeFolder) -> Path:
        if not needs_build(folder.path):
            return folder.path
        key = content_hash(folder.path, folder.runtime)
        target, marker = self.cache_dir / key, self.cache_dir / f"{key}.done"
        if marker.exists() and target.is_dir() and _intact(target, marker):
            return target  # else: interrupted, or changed on disk since: built again
        self.cache_dir.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=self.cache_dir) as scratch:
            built = self._sam_build(folder, Path(scratch))
            shutil.rmtree(target, ignore_errors=True)
            shutil.copytree(built, target)
        marker.write_text(_tree_digest(target))  # last: an interrupted build is redone
        return target

    def _sam_build(self, folder: CodeFolder, scratch: Path) -> Path:
        template = scratch / "template.json"
        template.write_text(json.dumps({
            "Transform": "AWS::Serverless-2016-10-31",
            "Resources": {"Fn": {"Type": "AWS::Serverless::Function", "Properties": {
                "CodeUri": str(folder.path), "Handler": "handler.handler",
                "Runtime": folder.runtime or "python3.11"}}}}))
        out = scratch / "out"
        proc = self.runner([sam_command(), "build", "--template-file", str(template),
                            "--build-dir", str(out)], capture_output=True, text=True)
        if proc.returncode != 0:
            tail = (proc.stderr or proc.stdout).strip().splitlines()[-3:]
            raise DeployError(f"sam build failed for {folder.logical_id}: " + " / ".join(tail))
        return out / "Fn"


def _tree_digest(folder: Path) -> str:
    digest = hashlib.sha256()
    for path in files_of(folder):
        digest.update(path.relative_to(folder).as_posix().encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def _intact(target: Path, marker: Path) -> bool:
    try:
        return marker.read_text().strip() == _tree_digest(target)
    except (OSError, UnicodeDecodeError):
        return False
