"""Python dependencies installed from wheels for a Lambda runtime and architecture, whatever
Python runs ws (pip can install for another version and platform without that interpreter)."""
from __future__ import annotations

import hashlib
import logging
import os
import platform
import re
import sys
from pathlib import Path

from ws.package.builds.requirements import Requirements
from ws.package.builds.run import BuildError, Runner, run

# Lambda's Python runtimes: 3.9-3.11 run on Amazon Linux 2 (glibc 2.26), 3.12 on on AL2023
# (glibc 2.34). A wheel built for an older manylinux runs on a newer glibc.
_AL2 = ("manylinux1", "manylinux2010", "manylinux2014", "manylinux_2_17")
_AL2023 = (*_AL2, "manylinux_2_28", "manylinux_2_34")
_ARCH = {"x86_64": "x86_64", "arm64": "aarch64"}
_VERSION = re.compile(r"""^__version__\s*=\s*['"]([^'"]+)['"]""", re.M)
log = logging.getLogger(__name__)
_NOT_FOUND = re.compile(r"(?:No matching distribution found for|Could not find a version that "
                        r"satisfies the requirement) ([^\s(]+)")


def python_version(runtime: str) -> str:
    """'python3.12' -> '3.12'."""
    match = re.fullmatch(r"python(\d+)\.(\d+)", runtime or "")
    if not match:
        raise BuildError(f"{runtime!r} is not a Python runtime")
    return f"{match[1]}.{match[2]}"


def this_python() -> str:
    """The runtime name of the Python running ws ('python3.11'): local functions run on it."""
    return f"python{sys.version_info[0]}.{sys.version_info[1]}"


def this_architecture() -> str:
    """This machine's architecture in Lambda's words."""
    return "arm64" if platform.machine() in ("aarch64", "arm64") else "x86_64"


def _this_glibc() -> tuple[int, ...]:
    name, version = platform.libc_ver()
    return tuple(int(p) for p in version.split(".")[:2]) if name == "glibc" and version else ()


def platforms(runtime: str, architecture: str, here: bool = False) -> list[str]:
    """The manylinux platform tags whose wheels run on the runtime's Lambda image (`here`: on
    this machine, whose glibc decides)."""
    if architecture not in _ARCH:
        raise BuildError(f"unknown architecture {architecture!r}", "use x86_64 or arm64")
    major, minor = map(int, python_version(runtime).split("."))
    tags = _AL2023 if (major, minor) >= (3, 12) else _AL2
    if here:
        glibc = _this_glibc()
        tags = (*_AL2, *(t for t in _AL2023[len(_AL2):]
                         if glibc >= tuple(map(int, t.split("_")[1:3]))))
    arch = _ARCH[architecture]
    if arch == "aarch64":  # no manylinux1/2010 for aarch64
        tags = tuple(t for t in tags if t not in ("manylinux1", "manylinux2010"))
    return [f"{tag}_{arch}" for tag in tags]


def pip_arguments(requirements: Path, target: Path, runtime: str,
                  architecture: str, here: bool = False) -> list[str]:
    """`pip install` of wheels only, for the runtime's Python and the architecture."""
    args = [sys.executable, "-m", "pip", "install", "--disable-pip-version-check", "--no-input",
            "--no-compile", "--only-binary=:all:", "--implementation", "cp",
            "--python-version", python_version(runtime), "--target", str(target)]
    for tag in platforms(runtime, architecture, here):
        args += ["--platform", tag]
    return [*args, "-r", str(requirements)]


def install(reqs: Requirements, target: Path, scratch: Path, runtime: str, architecture: str,
            runner: Runner, local: bool = False) -> None:
    """Install `reqs` into `target`; local projects are made wheels first (pure Python).
    `local`: for the local endpoint, where functions run on this Python and machine and the
    runtime boto3 is ws's own (runtime_boto3)."""
    lines = [_wheel_of(line, scratch, runner) for line in reqs.lines]
    listed = scratch / "requirements.txt"
    listed.write_text("".join(f"{line}\n" for line in lines))
    proc = run(pip_arguments(listed, target, runtime, architecture, local), runner, scratch)
    if proc.returncode != 0:
        raise _pip_failure(proc.stderr or proc.stdout or "", runtime, architecture)
    if local:
        runtime_boto3(target, scratch, runtime, architecture, runner)
    for record in target.glob("*.dist-info/direct_url.json"):
        record.unlink()  # names the scratch folder a local wheel came from: same input, same zip


def runtime_boto3(target: Path, scratch: Path, runtime: str, architecture: str,
                  runner: Runner) -> None:
    """Dependencies that bring botocore without boto3 (aws-xray-sdk does) rely on the runtime's
    boto3, found after them on the path. On Lambda that one is older and works with a newer
    botocore; locally it is ws's own, and a newer boto3 fails to import an older botocore
    (`cannot import name 'DocumentModifiedShape'`). So the boto3 made for that botocore is added
    beside it, in the runtime's place."""
    init = target / "botocore" / "__init__.py"
    if (target / "boto3").exists() or not init.is_file():
        return
    found = _VERSION.search(init.read_text(errors="replace"))
    if not found:
        return
    listed, extra = scratch / "runtime-boto3.txt", scratch / "runtime-boto3"
    listed.write_text(f"boto3\nbotocore=={found[1]}\n")
    proc = run(pip_arguments(listed, extra, runtime, architecture), runner, scratch)
    if proc.returncode != 0:
        log.warning("no boto3 for botocore %s: the function sees ws's own boto3", found[1])
        return
    for path in sorted(extra.iterdir()):
        if not (target / path.name).exists():
            os.replace(path, target / path.name)


def _wheel_of(line: str, scratch: Path, runner: Runner) -> str:
    """A local project directory or sdist is built as a wheel (the only form pip installs for
    another platform); the line then names that wheel, extras and markers kept."""
    head, _, rest = line.partition(" ")
    editable = head in ("-e", "--editable")
    if head.startswith("-") and not editable:
        return line
    spec = rest if editable else line
    path = Path(re.split(r"[\[;]", spec, maxsplit=1)[0].strip())
    if not (path.is_absolute() and path.exists()) or path.suffix == ".whl":
        return spec  # a name, or a wheel (an editable install means nothing in a zip)
    wheels = scratch / "wheels" / hashlib.sha256(str(path).encode()).hexdigest()[:12]
    command = [sys.executable, "-m", "pip", "wheel", "--disable-pip-version-check", "--no-deps",
               "--wheel-dir", str(wheels), str(path)]
    # With the build tools ws has (setuptools) first: an isolated build fetches them each time.
    proc = run([*command, "--no-build-isolation"], runner, scratch)
    if proc.returncode != 0:
        proc = run(command, runner, scratch)
    built = sorted(wheels.glob("*.whl"))
    if proc.returncode != 0 or not built:
        tail = " / ".join((proc.stderr or proc.stdout or "").strip().splitlines()[-3:])
        raise BuildError(f"the local requirement {path} could not be built as a wheel: {tail}")
    return str(built[0]) + spec[len(str(path)):]


def _pip_failure(output: str, runtime: str, architecture: str) -> BuildError:
    missing = _NOT_FOUND.findall(output)
    if missing:
        return BuildError(
            f"no wheel of {missing[-1]} for {runtime} on {architecture} (Lambda needs a built "
            "wheel for its platform)",
            "pick a version that publishes manylinux wheels for this runtime and architecture, "
            "or change the function's Runtime/Architectures")
    tail = " / ".join(output.strip().splitlines()[-3:])
    return BuildError(f"pip install for {runtime} on {architecture} failed: {tail}")
