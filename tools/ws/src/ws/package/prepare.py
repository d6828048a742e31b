"""Turn a stack's template into what the target's CloudFormation accepts."""
from __future__ import annotations

import hashlib
import json
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from ws.cloud.artifacts import Upload, ensure_bucket, s3_uploader
from ws.cdk.assets import publish
from ws.cloud.backend import Backend
from ws.config.workspace import Stack, Workspace
from ws.errors import ConfigError
from ws.local.resourcetypes import endpoint_types
from ws.package.build import SamBuilder
from ws.package.capabilities import required
from ws.package.code import CodeFolder, code_folders, package, zip_folder
from ws.package.sam import translate_sam

MAX_TEMPLATE_BODY = 51_200  # CloudFormation's limit for TemplateBody; larger goes through S3


@dataclass(frozen=True)
class Prepared:
    """A stack's template as the target takes it, and the code artifacts it refers to."""

    body: dict[str, Any]
    uploads: dict[str, bytes]
    capabilities: tuple[str, ...] = ()

    def with_outputs(self, extra: dict[str, dict[str, str]]) -> dict[str, Any]:
        """The body with `extra` outputs added (ws's deploy record)."""
        return {**self.body, "Outputs": {**(self.body.get("Outputs") or {}), **extra}}


@dataclass(frozen=True)
class Preparer:
    """Packages code, expands SAM where the target cannot, and checks resource support.

    Preparing uploads nothing: a stack that turns out unchanged never touches the bucket.
    """

    backend: Backend
    root: Path
    bucket: str
    build: Callable[[CodeFolder], Path] | None = None
    local_types: frozenset[str] | None = None  # what the local endpoint creates, if it says

    def prepare(self, stack: Stack) -> Prepared:
        uploads: dict[str, bytes] = {}
        template = stack.template
        folders = code_folders(template.body, self.root / stack.rel_dir, template.display)
        body = package(template.body, folders, self.bucket, uploads.__setitem__, self.build)
        if stack.cdk is not None:
            body = publish(body, stack.cdk.assets, self.bucket, uploads.__setitem__, zip_folder)
        if self.backend.translates_sam and template.is_sam:
            body = translate_sam(body, self.backend.region, template.display)
        if self.backend.can.local_fixes:
            body = _for_local_endpoint(body, template.display, self.local_types)
        return Prepared(body, uploads, required(body))


def _for_local_endpoint(body: dict[str, Any], display: str,
                        known: frozenset[str] | None) -> dict[str, Any]:
    """Make moto create what AWS would, and refuse what it would silently skip."""
    from ws.local import templatefixes
    body = templatefixes.prepare(body)
    missing = templatefixes.unsupported_types(body, known)
    if missing:
        listed = ", ".join(f"{logical} ({kind})" for logical, kind in missing)
        raise ConfigError(f"the local endpoint cannot create: {listed}",
                          "remove these resources or deploy this environment to AWS",
                          path=display)
    return body


@dataclass(frozen=True)
class Packaged:
    """The selected stacks prepared; the bucket is made only when uploading starts."""

    prepared: dict[str, Prepared]
    backend: Backend
    bucket: str

    def uploader(self) -> Upload:
        """An upload to the artifact bucket, safe from many threads, that checks the bucket
        (making it if missing) on its first call: a run that uploads nothing never touches it."""
        made: list[Upload] = []
        lock = threading.Lock()

        def upload(key: str, data: bytes) -> None:
            with lock:
                if not made:
                    s3 = self.backend.client("s3")
                    ensure_bucket(s3, self.bucket, self.backend.region, self.backend.account_id)
                    made.append(s3_uploader(s3, self.bucket, self.backend.account_id))
            made[0](key, data)
        return upload

    def template_argument(self, body: dict[str, Any], upload: Upload) -> dict[str, str]:
        """TemplateBody when it fits, else upload it and pass TemplateURL."""
        text = json.dumps(body, sort_keys=True, separators=(",", ":"))
        if len(text.encode()) <= MAX_TEMPLATE_BODY:
            return {"TemplateBody": text}
        key = f"templates/{hashlib.sha256(text.encode()).hexdigest()}.json"
        upload(key, text.encode())
        return {"TemplateURL": self.backend.template_url(self.bucket, key)}


def _local_types(backend: Backend) -> frozenset[str] | None:
    """The local endpoint's resource types, asked once per run (moto stays unloaded here)."""
    if not (backend.can.local_fixes and backend.endpoint_url):
        return None
    return endpoint_types(backend.endpoint_url)


def package_stacks(ws: Workspace, backend: Backend, names: list[str]) -> Packaged:
    """Prepare the named stacks for `backend` (code with requirements built by sam, cached)."""
    bucket = backend.artifact_bucket(ws.name)
    preparer = Preparer(backend, ws.root, bucket, SamBuilder(ws.state_dir / "build"),
                        _local_types(backend))
    return Packaged({name: preparer.prepare(ws.stacks[name]) for name in names}, backend, bucket)
