"""Dependencies that bring botocore without boto3 get, for the local endpoint, the boto3 made for
that botocore beside it: locally the runtime's boto3 is ws's own (newer), which fails to import
an older botocore (`cannot import name 'DocumentModifiedShape'`). Lambda's runtime boto3 is
older, so the package for AWS stays as sam builds it."""
from __future__ import annotations

import io
import subprocess
import zipfile
from pathlib import Path

from ws.package.build import Builder
from ws.package.code import CodeFolder
from ws.testing.workspaces import write_tree


class Pip:
    """`pip install -r R --target T`: aws-xray-sdk brings botocore 1.42.97 (what pip picks for
    python3.9); `boto3` with `botocore==V` brings boto3 V and s3transfer."""

    def __init__(self) -> None:
        self.requirements: list[list[str]] = []

    def __call__(self, cmd, **kwargs):
        target = Path(cmd[cmd.index("--target") + 1])
        reqs = Path(cmd[cmd.index("-r") + 1]).read_text().split()
        self.requirements.append(reqs)
        files = {}
        if "aws-xray-sdk" in reqs:
            files = {"aws_xray_sdk/__init__.py": "",
                     "botocore/__init__.py": "__version__ = '1.42.97'\n"}
        if "boto3" in reqs:
            pinned = next(r.split("==")[1] for r in reqs if r.startswith("botocore=="))
            files = {"boto3/__init__.py": f"__version__ = '{pinned}'\n",
                     "s3transfer/__init__.py": "", "botocore/__init__.py": "# pip's copy\n"}
        write_tree(target, files)
        return subprocess.CompletedProcess(cmd, 0, "", "")


def _function(tmp_path: Path, requirements: str) -> CodeFolder:
    write_tree(tmp_path, {"fn/requirements.txt": requirements, "fn/app.py": ""})
    return CodeFolder("Fn", "CodeUri", tmp_path / "fn", "python3.9")


def _files(data: bytes) -> dict[str, bytes]:
    archive = zipfile.ZipFile(io.BytesIO(data))
    return {name: archive.read(name) for name in archive.namelist()}


def test_locally_a_lone_botocore_gets_its_own_boto3(tmp_path):
    pip = Pip()
    files = _files(Builder(tmp_path / "cache", runner=pip, local=True)(
        _function(tmp_path, "aws-xray-sdk\n")))
    assert pip.requirements[-1] == ["boto3", "botocore==1.42.97"]
    assert files["boto3/__init__.py"] == b"__version__ = '1.42.97'\n"
    assert "s3transfer/__init__.py" in files
    assert files["botocore/__init__.py"] == b"__version__ = '1.42.97'\n"  # the function's own


def test_for_aws_the_package_is_as_sam_builds_it(tmp_path):
    pip = Pip()
    files = _files(Builder(tmp_path / "cache", runner=pip)(_function(tmp_path, "aws-xray-sdk\n")))
    assert len(pip.requirements) == 1
    assert "boto3/__init__.py" not in files


def test_nothing_added_without_botocore(tmp_path):
    pip = Pip()
    Builder(tmp_path / "cache", runner=pip, local=True)(_function(tmp_path, "six\n"))
    assert pip.requirements == [["six"]]
