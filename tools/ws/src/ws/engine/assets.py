"""A stack's assets in a run: their part of the fingerprint, their values resolved, and the
publishing step after the stack deploys (sync to the bucket, then the invalidation)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from ws.cloud.backend import Backend
from ws.cloud.publish import AssetIndex, bucket_state, delete_objects, invalidate, put_objects
from ws.config import refs
from ws.config.assets import SELF, AssetSpec
from ws.config.environment import Environment
from ws.config.workspace import Workspace
from ws.engine.fingerprint import Fingerprint, digest
from ws.errors import DeployError
from ws.graph.stackgraph import builtin_values
from ws.local.urls import to_local
from ws.package import assets as files

VALUES_PART = "asset_values"
UNPUBLISHED = "unpublished"  # recorded when publishing failed: the next --changed tries again
Outputs = dict[str, dict[str, str]]


@dataclass(frozen=True)
class Published:
    """What publishing one asset folder did."""

    bucket: str
    prefix: str
    uploaded: tuple[str, ...]
    deleted: tuple[str, ...]
    unchanged: int
    invalidation: str = ""

    def summary(self) -> str:
        text = (f"assets: {len(self.uploaded)} uploaded, "
                f"{len(self.deleted)} deleted, {self.unchanged} unchanged")
        return text + (f"; invalidation {self.invalidation}" if self.invalidation else "")


def values_part(ws: Workspace, env: Environment, name: str, outputs: Outputs) -> dict[str, str]:
    """The fingerprint part of the values taken from other stacks and built-ins (the stack's
    own outputs follow from its template, already fingerprinted)."""
    stack = ws.stacks[name]
    if not stack.assets:
        return {}
    lookup = _lookup(ws, env, outputs, own=None)
    values = [[refs.substitute(v, lookup) for v in a.values()] for a in stack.assets]
    return {VALUES_PART: digest(values)}


def unpublished(found: Fingerprint) -> Fingerprint:
    """`found` with its assets marked as not published (it then matches no fingerprint)."""
    return Fingerprint({**found.parts, "assets": UNPUBLISHED}, found.parameters)


def publish_stack(ws: Workspace, env: Environment, backend: Backend, name: str,
                  own: dict[str, str], outputs: Outputs, emit: Callable[[str], None],
                  revealed: Callable[[str], str | None] = lambda text: None) -> list[Published]:
    """Publish every asset folder of `name` after it deployed with outputs `own`; `revealed`
    names a secret whose value a text holds: such a config value is refused (sites are public)."""
    done = []
    for asset in ws.stacks[name].assets:
        resolved = _resolve(asset, _lookup(ws, env, outputs, own), backend.endpoint_url)
        _check_public(resolved.config, revealed)
        result = _publish_one(ws, name, asset, resolved, backend)
        emit(result.summary())
        done.append(result)
    return done


@dataclass(frozen=True)
class _Resolved:
    bucket: str
    prefix: str
    config: dict[str, str]
    invalidate: str


def _resolve(asset: AssetSpec, lookup: Callable[[refs.Ref], str],
             endpoint: str | None) -> _Resolved:
    """References filled in; locally, AWS-shaped URLs in the config become the local ones."""
    config = {}
    for key, value in asset.config:
        text = refs.substitute(value, lookup)
        config[key] = (to_local(text, endpoint) or text) if endpoint else text
    prefix = refs.substitute(asset.prefix, lookup)
    return _Resolved(refs.substitute(asset.bucket, lookup), prefix, config,
                     refs.substitute(asset.invalidate, lookup))


def _check_public(config: dict[str, str], revealed: Callable[[str], str | None]) -> None:
    for key, value in config.items():
        found = revealed(value)
        if found is not None:
            raise DeployError(f"assets: config value {key} would publish the value of secret "
                              f"{found}", "publish only values a browser may see")


def _publish_one(ws: Workspace, name: str, asset: AssetSpec, resolved: _Resolved,
                 backend: Backend) -> Published:
    folder = ws.root / ws.stacks[name].rel_dir / asset.source
    config = files.config_asset(asset.config_file, resolved.config, resolved.prefix) \
        if asset.config else None
    wanted = files.desired(files.site_files(folder, resolved.prefix), config)
    cloudfront = backend.client("cloudfront") if resolved.invalidate else None
    return publish_folder(backend.client("s3"), cloudfront, resolved.bucket, resolved.prefix,
                          wanted, resolved.invalidate, index=asset_index(ws, backend))


def publish_folder(s3: Any, cloudfront: Any, bucket: str, prefix: str,
                   wanted: dict[str, files.Asset], distribution: str = "", *,
                   index: AssetIndex) -> Published:
    """Sync `wanted` to s3://bucket/prefix (only what changed; what ws published before and
    is gone now is deleted), then invalidate the changed paths on `distribution`. ws's index
    of what it published is kept in `index`; one found where ws kept it before, beside the
    site, is read once and deleted."""
    old_key = prefix + files.OLD_INDEX_KEY
    present, old = bucket_state(s3, bucket, prefix, old_key)
    stored = index.read(bucket, prefix)
    record = files.read_index(stored if stored is not None else old)
    plan = files.plan_sync(wanted, record, present, old_key)
    put_objects(s3, bucket, plan.upload)
    delete_objects(s3, bucket, plan.delete)
    if plan.upload or plan.delete or stored is None:
        index.write(bucket, prefix, files.index_data(wanted))
    moved = [old_key] if old_key in present else []
    delete_objects(s3, bucket, moved)  # after the index is safe in its own place
    made = ""
    changed = plan.changed_keys() + moved
    if distribution and cloudfront is not None and changed:
        made = invalidate(cloudfront, distribution, files.invalidation_paths(changed, prefix))
    return Published(bucket, prefix, tuple(a.key for a in plan.upload), plan.delete,
                     plan.unchanged, made)


def unpublish_stack(ws: Workspace, env: Environment, backend: Backend, name: str,
                    own: dict[str, str]) -> int:
    """Before the stack is deleted, delete what ws published to its buckets (CloudFormation
    cannot delete a bucket that holds objects); objects ws did not publish stay. Returns the
    number of objects deleted."""
    s3, count = backend.client("s3"), 0
    for asset in ws.stacks[name].assets:
        try:
            lookup = _lookup(ws, env, {}, own)
            bucket, prefix = refs.substitute(asset.bucket, lookup), \
                refs.substitute(asset.prefix, lookup)
        except DeployError:
            continue  # names another stack's output: not this stack's bucket to empty
        try:
            count += unpublish_folder(s3, bucket, prefix, asset_index(ws, backend))
        except DeployError:
            continue  # the bucket is gone already
    return count


def unpublish_folder(s3: Any, bucket: str, prefix: str, index: AssetIndex) -> int:
    """Delete what ws published to s3://bucket/prefix, and its index; returns how many
    objects (the index not counted)."""
    old_key = prefix + files.OLD_INDEX_KEY
    present, old = bucket_state(s3, bucket, prefix, old_key)
    stored = index.read(bucket, prefix)
    keys = sorted(k for k in files.read_index(stored if stored is not None else old)
                  if k in present)
    delete_objects(s3, bucket, keys + ([old_key] if old_key in present else []))
    index.delete(bucket, prefix)
    return len(keys)


def asset_index(ws: Workspace, backend: Backend) -> AssetIndex:
    """Where ws keeps its asset indexes for this workspace: its artifact bucket."""
    return AssetIndex(backend.client("s3"), backend.artifact_bucket(ws.name),
                      backend.account_id, backend.region)


def _lookup(ws: Workspace, env: Environment, outputs: Outputs,
            own: dict[str, str] | None) -> Callable[[refs.Ref], str]:
    """Values of references: built-ins, the stack's own outputs (left as written when `own`
    is None), other stacks' outputs."""
    builtins = builtin_values(ws, env)

    def lookup(ref: refs.Ref) -> str:
        if ref.is_builtin:
            return builtins[ref.output]
        if ref.stack == SELF:
            if own is None:
                return str(ref)
            return _output({SELF: own}, ref)
        return _output(outputs, ref)
    return lookup


def _output(outputs: Outputs, ref: refs.Ref) -> str:
    try:
        return outputs[ref.stack][ref.output]
    except KeyError:
        raise DeployError(f"assets: {ref} has no value (stack {ref.stack} has no output "
                          f"{ref.output})") from None
