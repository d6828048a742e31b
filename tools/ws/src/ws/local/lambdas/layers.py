"""A function's layers as Lambda mounts them at /opt: each layer version's zip extracted, in
the function's order (a later layer's file wins), into one folder per set of versions; and
the folders each runtime searches there, after the function's own code."""
from __future__ import annotations

import hashlib
import os
import re
import shutil
import tempfile
from pathlib import Path
from typing import Any, Callable

from ws.local.lambdas.spec import extract

Lookup = Callable[[str], Any]  # a layer version ARN -> moto's LayerVersion, or None
OPT_VARIABLE = "_WS_OPT"  # tells the Python worker where /opt is; removed before the handler


def moto_lookup(account: str, region: str) -> Lookup:
    """Layer versions published on this endpoint."""
    from moto.awslambda.models import lambda_backends
    return lambda_backends[account][region].layers_versions_by_arn


def opt_dir(root: Path, arns: tuple[str, ...], lookup: Lookup,
            public: tuple[Path, ...] = ()) -> Path | None:
    """The function's /opt, or None when it has no layer this endpoint holds or stands in for
    (another account's layers are reported when the stack deploys). `public`: the folders
    standing in for public layers (publiclayerbuild.py), laid first (the function's own
    layers win); a lone one is used as it is."""
    found = [(arn, version) for arn in arns
             if (version := lookup(arn)) is not None and getattr(version, "code_bytes", b"")]
    if not found and len(public) <= 1:
        return public[0] if public else None
    key = hashlib.sha256("\n".join([*map(str, public), *(f"{arn} {v.code_digest}"
                                                          for arn, v in found)])
                         .encode()).hexdigest()[:20]
    return extract(root / "_layers" / key, [v.code_bytes for _, v in found], "layers", public)


def python_paths(opt: Path, runtime: str) -> list[str]:
    """Where a Python runtime imports from in /opt, in Lambda's order."""
    version = runtime.removeprefix("python")
    return [str(opt / "python/lib" / f"python{version}" / "site-packages"), str(opt / "python")]


def node_paths(opt: Path | None, runtime: str) -> list[str]:
    """Lambda's NODE_PATH entries for /opt."""
    if opt is None:
        return []
    major = m[1] if (m := re.match(r"nodejs(\d+)", runtime)) else ""
    return [str(opt / "nodejs" / f"node{major}" / "node_modules"),
            str(opt / "nodejs" / "node_modules")]
