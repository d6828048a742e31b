"""Turn a stack's template into what the target's CloudFormation accepts."""
from __future__ import annotations

import hashlib
import json
import threading
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Callable, Mapping

from ws.cloud.artifacts import Upload, ensure_bucket, s3_uploader
from ws.cdk.assets import publish
from ws.cloud.backend import Backend
from ws.config.importnames import rename_imports
from ws.config.stack import Stack
from ws.config.workspace import Workspace
from ws.errors import ConfigError, WsError
from ws.local.coverage import placeholder_note
from ws.local.lambdas.deploynotes import strict_custom_resources
from ws.local.resourcetypes import endpoint_types
from ws.package.artifacts import set_at
from ws.package.build import Builder
from ws.package.builds.run import BuildError
from ws.package.capabilities import ALL, required
from ws.package.code import CodeFolder, package, zip_folder
from ws.package.localfiles import inline_uploaded, package_files
from ws.package.nested import Inventory, stack_inventory
from ws.package.samcache import translate

MAX_TEMPLATE_BODY = 51_200  # CloudFormation's limit for TemplateBody; larger goes through S3


@dataclass(frozen=True)
class Prepared:
    """A stack's template as the target takes it, and the code artifacts it refers to."""

    body: dict[str, Any]
    uploads: dict[str, bytes]
    capabilities: tuple[str, ...] = ()
    note: str | None = None  # said when the stack deploys (the local endpoint's placeholders)
    stood_in: tuple[str, ...] = ()  # functions deployed with placeholder code (not built)

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
    build: Callable[[CodeFolder], Path | bytes] | None = None
    local_types: frozenset[str] | None = None  # what the local endpoint creates, if it says
    sam_cache: Path | None = None  # SAM translations remembered by content
    stood_in: Mapping[CodeFolder, str] = field(default_factory=dict)  # the build's placeholders
    placeholders: bool = True  # False: `placeholders: error` (custom resources marked strict)

    def prepare(self, stack: Stack) -> Prepared:
        uploads: dict[str, bytes] = {}
        found = stack_inventory(stack, self.root)
        caps: set[str] = set()
        body = self._prepared(found, uploads, caps, stack.cdk, stack.import_names)
        stood = _stood_in(found, self.stood_in)
        note = placeholder_note(body, self.local_types, stood) \
            if self.backend.can.local_fixes else None
        return Prepared(body, uploads, tuple(c for c in ALL if c in caps | set(required(body))),
                        note, tuple(logical for logical, _ in stood))

    def _prepared(self, found: Inventory, uploads: dict[str, bytes], caps: set[str],
                  cdk: Any = None, imports: dict[str, str] | None = None,
                  nested: bool = False) -> dict:
        """`found`'s template with its code, files and nested templates (prepared the same
        way, then uploaded as JSON) and a CDK app's assets (`cdk`) named by content hash, as
        the target takes it. A nested template's imports written for another naming are
        renamed by `imports` (the stack's own template already was: graph.envimports)."""
        template, put = found.template, uploads.__setitem__
        inline = self.backend.translates_sam or self.backend.can.local_fixes
        start = rename_imports(template.body, imports, {})[0] if nested and imports \
            else template.body
        body = package(start, found.code, self.bucket, put, self.build, template.display)
        body = package_files(body, found.files, self.bucket, put, inline, self.root)
        if cdk is not None:
            body = publish(body, cdk.assets, self.bucket, put, zip_folder)
        for item, child in found.nested:
            nested = self._prepared(child, uploads, caps, None, imports, nested=True)
            caps.update(required(nested))
            text = json.dumps(nested, sort_keys=True, separators=(",", ":")).encode()
            # not templates/ (expired by bootstrap's lifecycle): a nested stack's template is
            # read again by CloudFormation on later updates and rollbacks of its parent
            key = f"nested/{hashlib.sha256(text).hexdigest()}.json"
            uploads[key] = text
            set_at(body, item.keys, self.backend.template_url(self.bucket, key))
        if self.backend.translates_sam and template.is_sam:
            body = translate(body, self.backend.region, template.display, self.sam_cache)
        if self.backend.can.local_fixes:
            inline_uploaded(body, self.bucket, uploads)
            body = _for_local_endpoint(body, template.display, self.local_types)
            body = body if self.placeholders else strict_custom_resources(body)
        return body


def _stood_in(found: Inventory, reasons: Mapping[CodeFolder, str]) -> list[tuple[str, str]]:
    """(logical id, "runtime: why") of each function of `found` (nested templates too) that
    the build gave placeholder code."""
    stood = [(f.logical_id, f"{f.runtime or f.build_method}: {reasons[f]}")
             for f in found.code if f in reasons]
    return stood + [s for _, child in found.nested for s in _stood_in(child, reasons)]


def _for_local_endpoint(body: dict[str, Any], display: str,
                        known: frozenset[str] | None) -> dict[str, Any]:
    """Make moto create what AWS would, and refuse what it cannot take (the check before the
    deploy names these for every stack: ws.lint.limits.local_refusals)."""
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
    failed: dict[str, WsError] = field(default_factory=dict)  # a stack's build failure
    preparer: Preparer | None = None  # to prepare a stack again (restaged)

    def restaged(self, stack: Stack) -> Packaged:
        """A copy with `stack` prepared again: a CDK app synthesized once its context values
        were known (its build, if any, is the one already done)."""
        if self.preparer is None or stack.name in self.failed:
            return self
        return replace(self, prepared={**self.prepared, stack.name: self.preparer.prepare(stack)})

    def stack(self, name: str) -> Prepared:
        """The stack prepared, or its build's failure raised (that stack fails, not the run)."""
        if name in self.failed:
            raise self.failed[name]
        return self.prepared[name]

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


def package_stacks(ws: Workspace, backend: Backend, names: list[str],
                   placeholders: bool = True, retry_builds: bool = False) -> Packaged:
    """Prepare the named stacks for `backend`, their code built first (in parallel, cached); a
    stack whose build fails is left out, its failure kept for when it would deploy.
    `placeholders`: the local endpoint may deploy placeholder code for a function it could not
    build, or a custom resource whose function needs a service it lacks (the environment's
    `placeholders: error` says no). `retry_builds`: run again the builds that failed before with
    the same inputs and toolchain (else their failure is remembered)."""
    bucket = backend.artifact_bucket(ws.name)
    builder = Builder(ws.state_dir / "build", ws.root, local=backend.can.local_fixes,
                      placeholders=placeholders, retry_failed=retry_builds)
    failed = builder.build_all({name: stack_inventory(ws.stacks[name], ws.root).code
        for name in names})
    preparer = Preparer(backend, ws.root, bucket, builder, _local_types(backend),
                        ws.state_dir / "sam", builder.stood_in, placeholders)
    prepared: dict[str, Prepared] = {}
    for name in (n for n in names if n not in failed):
        try:  # a nested template's code is built here, when its parent is prepared
            prepared[name] = preparer.prepare(ws.stacks[name])
        except BuildError as exc:
            failed[name] = exc
    return Packaged(prepared, backend, bucket, dict(failed), preparer)
