"""Fingerprints: a canonical hash of everything that decides what a stack deploys as."""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ws.config.environment import Environment
from ws.config.workspace import Workspace
from ws.package.code import code_folders, files_of

FINGERPRINT_TAG = "ws:fingerprint"
PARTS_TAG = "ws:parts"  # short hashes of each part, to say *why* a stack changed
FORMAT_VERSION = "1"
_PART_NAMES = {"template": "template changed", "code": "code changed",
               "shared": "shared files changed", "environment": "environment settings changed",
               "tags": "tags changed", "format": "ws deploy format changed"}


def digest(data: Any) -> str:
    """sha256 of canonical JSON: key order and whitespace never matter."""
    text = json.dumps(data, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def tree_hash(folder: Path) -> str:
    """Content of a folder by relative path; mtimes and the folder's location do not count."""
    if folder.is_file():
        return hashlib.sha256(folder.read_bytes()).hexdigest()
    return digest([(p.relative_to(folder).as_posix(), hashlib.sha256(p.read_bytes()).hexdigest())
                   for p in files_of(folder)])


@dataclass(frozen=True)
class Fingerprint:
    """The parts of a stack's fingerprint and their combined hash."""

    parts: dict[str, str]
    parameters: dict[str, str] = field(default_factory=dict)  # name -> hash of the value

    @property
    def value(self) -> str:
        return digest({"parts": self.parts, "parameters": self.parameters})

    def tags(self) -> dict[str, str]:
        short = ";".join(f"{k}={v[:10]}" for k, v in sorted(self.parts.items()))
        return {FINGERPRINT_TAG: self.value, PARTS_TAG: short}

    def reasons(self, deployed_tags: dict[str, str], deployed_params: dict[str, str],
                resolved: dict[str, str]) -> list[str]:
        """Why this differs from what is deployed, part by part."""
        if PARTS_TAG not in deployed_tags:
            return ["deployed without a ws fingerprint"]
        recorded = dict(item.split("=", 1) for item in
                        deployed_tags.get(PARTS_TAG, "").split(";") if "=" in item)
        found = [_PART_NAMES[k] for k, v in sorted(self.parts.items())
                 if recorded.get(k) != v[:10]]
        found += [f"parameter {k} changed" for k, v in sorted(resolved.items())
                  if deployed_params.get(k) not in (v, "****")]
        return found or ["fingerprint changed"]


def static_parts(ws: Workspace, env: Environment, stack: str) -> dict[str, str]:
    """Everything but the parameter values, which are known only once upstreams deploy."""
    spec = ws.stacks[stack]
    folder = ws.root / spec.rel_dir
    code = {f"{f.logical_id}:{f.path.relative_to(folder).as_posix()}": tree_hash(f.path)
            for f in code_folders(spec.template.body, folder, spec.template.display)}
    shared = {rel: tree_hash(ws.root / rel) for rel in ws.shared if (ws.root / rel).exists()}
    settings = {"target": env.target, "region": env.region, "prefix": env.prefix}
    return {"template": digest(spec.template.body), "code": digest(code),
            "shared": digest(shared), "environment": digest(settings),
            "format": digest(FORMAT_VERSION)}


def fingerprint(static: dict[str, str], parameters: dict[str, str],
                tags: dict[str, str]) -> Fingerprint:
    own_tags = {k: v for k, v in tags.items() if k not in (FINGERPRINT_TAG, PARTS_TAG)}
    return Fingerprint({**static, "tags": digest(own_tags)},
                       {k: digest(v) for k, v in sorted(parameters.items())})
