"""Runtimes ws does not build itself (java, go, dotnet, ruby, other BuildMethods): `sam build`
of a one-resource template, for the resource's runtime and architecture."""
from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

from ws.package.builds.run import BuildError, Runner, run
from ws.package.code import CodeFolder

_MISSING = ("Binary validation failed", "Failed to find", "not found", "PATH")


def sam_command() -> str:
    local = Path(sys.executable).with_name("sam")
    found = str(local) if local.exists() else shutil.which("sam")
    if not found:
        raise BuildError("aws-sam-cli (the `sam` command) is not installed",
                         "install ws with its dependencies: pip install -e tools/ws")
    return found


def template(folder: CodeFolder) -> dict:
    """The one-resource template `sam build` is given for `folder`."""
    if folder.layer:
        resource = {"Type": "AWS::Serverless::LayerVersion", "Properties": {
            "ContentUri": str(folder.path), "CompatibleRuntimes": [folder.runtime],
            "CompatibleArchitectures": [folder.architecture]}}
    else:
        resource = {"Type": "AWS::Serverless::Function", "Properties": {
            "CodeUri": str(folder.path), "Handler": "handler.handler",
            "Runtime": folder.runtime, "Architectures": [folder.architecture]}}
    if folder.metadata:
        resource["Metadata"] = folder.metadata
    return {"Transform": "AWS::Serverless-2016-10-31", "Resources": {"Fn": resource}}


def build(folder: CodeFolder, scratch: Path, runner: Runner) -> Path:
    """Build with sam in `scratch`; the folder it made."""
    (scratch / "template.json").write_text(json.dumps(template(folder)))
    out = scratch / "out"
    proc = run([sam_command(), "build", "--template-file", str(scratch / "template.json"),
                "--build-dir", str(out)], runner, scratch)
    if proc.returncode != 0:
        lines = (proc.stderr or proc.stdout or "").strip().splitlines()
        tail = " / ".join(lines[-3:])
        hint = (f"install the {folder.runtime} toolchain (sam build needs it)"
                if any(m in tail for m in _MISSING) else None)
        raise BuildError(f"sam build failed for {folder.logical_id}: {tail}", hint)
    return out / "Fn"
