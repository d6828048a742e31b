"""Turn a stack's template into what the target's CloudFormation accepts."""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from .artifacts import CodeFolder, code_folders, package
from .backend import Backend
from .build import SamBuilder
from .capabilities import required
from .errors import ConfigError
from .translate import translate_sam
from .workspace import Stack, Workspace

MAX_TEMPLATE_BODY = 51_200  # CloudFormation's limit for TemplateBody; larger goes through S3

Upload = Callable[[str, bytes], None]


@dataclass(frozen=True)
class Prepared:
    """A stack's template argument and the artifacts to upload before it deploys."""

    template: dict[str, str]  # {"TemplateBody": ...} or {"TemplateURL": ...}
    uploads: dict[str, bytes]
    capabilities: tuple[str, ...] = ()


@dataclass(frozen=True)
class Preparer:
    """Packages code, expands SAM where the target cannot, and checks resource support.

    Preparing uploads nothing: a stack that turns out unchanged never touches the bucket.
    """

    backend: Backend
    root: Path
    bucket: str
    build: Callable[[CodeFolder], Path] | None = None

    def prepare(self, stack: Stack) -> Prepared:
        uploads: dict[str, bytes] = {}
        template = stack.template
        folders = code_folders(template.body, self.root / stack.rel_dir, template.display)
        body = package(template.body, folders, self.bucket, uploads.__setitem__, self.build)
        if self.backend.translates_sam and template.is_sam:
            body = translate_sam(body, self.backend.region, template.display)
        if self.backend.kind == "local":
            body = _for_local_endpoint(body, template.display)
        return Prepared(self._template_argument(body, uploads), uploads, required(body))

    def _template_argument(self, body: dict[str, Any], uploads: dict[str, bytes]) -> dict[str, str]:
        """TemplateBody when it fits, else upload it and pass TemplateURL."""
        text = json.dumps(body, sort_keys=True, separators=(",", ":"))
        if len(text.encode()) <= MAX_TEMPLATE_BODY:
            return {"TemplateBody": text}
        key = f"templates/{hashlib.sha256(text.encode()).hexdigest()}.json"
        uploads[key] = text.encode()
        return {"TemplateURL": self.backend.template_url(self.bucket, key)}


def _for_local_endpoint(body: dict[str, Any], display: str) -> dict[str, Any]:
    """Make moto create what AWS would, and refuse what it would silently skip."""
    # Imported here: it loads moto (about a second), which only the local target needs.
    from .local import compat
    body = compat.prepare(body)
    missing = compat.unsupported_types(body)
    if missing:
        listed = ", ".join(f"{logical} ({kind})" for logical, kind in missing)
        raise ConfigError(f"the local endpoint cannot create: {listed}",
                          "remove these resources or deploy this environment to AWS",
                          path=display)
    return body


def s3_uploader(s3: Any, bucket: str) -> Upload:
    """Upload a content-addressed object unless it is already there."""
    def upload(key: str, data: bytes) -> None:
        try:
            s3.head_object(Bucket=bucket, Key=key)
        except s3.exceptions.ClientError:
            s3.put_object(Bucket=bucket, Key=key, Body=data)
    return upload


def ensure_bucket(s3: Any, bucket: str, region: str) -> None:
    try:
        s3.head_bucket(Bucket=bucket)
        return
    except s3.exceptions.ClientError:
        pass
    extra = {} if region == "us-east-1" else {
        "CreateBucketConfiguration": {"LocationConstraint": region}}
    try:
        s3.create_bucket(Bucket=bucket, **extra)
    except (s3.exceptions.BucketAlreadyOwnedByYou, s3.exceptions.BucketAlreadyExists):
        s3.head_bucket(Bucket=bucket)  # made a moment ago by another ws run: fine if ours



@dataclass(frozen=True)
class Packaged:
    """The selected stacks prepared; the bucket is made only when uploading starts."""

    prepared: dict[str, Prepared]
    s3: Any
    bucket: str
    region: str

    def uploader(self) -> Upload:
        ensure_bucket(self.s3, self.bucket, self.region)
        return s3_uploader(self.s3, self.bucket)


def package_stacks(ws: Workspace, backend: Backend, names: list[str]) -> Packaged:
    """Prepare the named stacks for `backend` (code with requirements built by sam, cached)."""
    bucket = backend.artifact_bucket(ws.name)
    preparer = Preparer(backend, ws.root, bucket, SamBuilder(ws.state_dir / "build"))
    return Packaged({name: preparer.prepare(ws.stacks[name]) for name in names},
                    backend.client("s3"), bucket, backend.region)
