"""Fingerprints: a canonical hash of everything that decides what a stack deploys as."""
from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ws.config.environment import Environment
from ws.config.workspace import Workspace
from ws.package.builds.inputs import outside_inputs
from ws.package.code import CodeFolder, files_of
from ws.package.nested import Inventory, stack_inventory

FORMAT_VERSION = "2"  # 2: recorded in an output, not in tags
_PART_NAMES = {"template": "template changed", "code": "code changed",
               "shared": "shared files changed", "environment": "environment settings changed",
               "tags": "tags changed", "format": "ws deploy format changed",
               "assets": "assets changed", "asset_values": "asset config values changed",
               "ssm": "SSM parameter values it reads changed",
               "context": "CDK context values changed",
               "imports": "import_prefixes changed",
               "artifacts": "local files changed (definitions, includes, nested templates)"}


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

    def record(self, commit: str, version: str) -> str:
        """What ws records on the deployed stack: this fingerprint, short hashes of its parts
        (to say *why* a stack changed), the commit it came from and ws's version."""
        short = ";".join(f"{k}={v[:10]}" for k, v in sorted(self.parts.items()))
        return json.dumps({"fingerprint": self.value, "parts": short, "commit": commit,
                           "ws": version}, sort_keys=True, separators=(",", ":"))

    def reasons(self, record: dict[str, str], deployed_params: dict[str, str],
                resolved: dict[str, str]) -> list[str]:
        """Why this differs from what is deployed (its `record`), part by part."""
        if "parts" not in record:
            return ["deployed without a ws fingerprint"]
        recorded = dict(item.split("=", 1) for item in record["parts"].split(";") if "=" in item)
        found = [_PART_NAMES[k] for k, v in sorted(self.parts.items())
                 if recorded.get(k) != v[:10]]
        found += [f"parameter {k} changed" for k, v in sorted(resolved.items())
                  if deployed_params.get(k) not in (v, "****")]
        return found or ["fingerprint changed"]


def static_parts(ws: Workspace, env: Environment, stack: str) -> dict[str, str]:
    """Everything but the parameter values, which are known only once upstreams deploy."""
    spec = ws.stacks[stack]
    folder = spec.base(ws.root)
    found = stack_inventory(spec, ws.root)
    code = {f"{f.logical_id}:{Path(os.path.relpath(f.path, folder)).as_posix()}": _code_hash(f)
            for f in found.code}
    if spec.cdk is not None:  # a CDK app's assets, by CDK's hash of their source
        code.update({key: a.source_hash for a in spec.cdk.assets for key in a.keys})
    shared = {rel: tree_hash(ws.root / rel) for rel in ws.shared if (ws.root / rel).exists()}
    settings = {"target": env.target, "region": env.region, "prefix": env.prefix}
    return {"template": digest(spec.template.body), "code": digest(code),
            "shared": digest(shared), "environment": digest(settings),
            "format": digest(FORMAT_VERSION), **_assets_part(spec, folder),
            **({"context": digest(spec.late.used)} if spec.late else {}),
            **({"imports": digest(spec.import_names)} if spec.import_names else {}),
            **({"artifacts": digest(artifact_hashes(found))} if found.has_artifacts else {})}


def artifact_hashes(found: Inventory) -> dict[str, str]:
    """Content of each local file the template names and of each nested template (its body,
    code and files); no part for a stack without them (no other stack's fingerprint moved)."""
    hashes = {f.where: tree_hash(f.path) for f in found.files}
    for item, child in found.nested:
        code = {c.logical_id: tree_hash(c.path) for c in child.code}
        hashes[item.where] = digest({"template": digest(child.template.body), "code": code,
                                     "files": artifact_hashes(child)})
    return hashes


def _code_hash(folder: CodeFolder) -> str:
    """The folder's content, and that of what its build reads outside it (by relative path)."""
    outside = outside_inputs(folder)
    if not outside:
        return tree_hash(folder.path)
    return digest([tree_hash(folder.path), *[(os.path.relpath(p, folder.path), tree_hash(p))
                                            for p in outside]])


def _assets_part(spec: Any, folder: Path) -> dict[str, str]:
    """The published folders' declarations and content; no part for a stack without assets
    (so adding the feature changed no other stack's fingerprint)."""
    if not spec.assets:
        return {}
    return {"assets": digest([(a.declaration(), tree_hash(folder / a.source))
                              for a in spec.assets])}


def fingerprint(static: dict[str, str], parameters: dict[str, str],
                tags: dict[str, str]) -> Fingerprint:
    return Fingerprint({**static, "tags": digest(tags)},
                       {k: digest(v) for k, v in sorted(parameters.items())})
