"""The `assets:` of a stack.yaml: folders published to the stack's bucket after it deploys.

    assets:
      - source: site                       # a folder inside the stack's folder
        bucket: ${self.BucketName}         # the stack's own outputs, other stacks', built-ins
        prefix: ""                         # key prefix in the bucket (optional)
        config_file: config.json           # written beside the files (default config.json)
        config:                            # its values: {name: text with ${references}}
          apiUrl: ${api.ApiUrl}
        invalidate: ${self.DistributionId} # a CloudFront distribution (optional)
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ws.config import fields as schema
from ws.config import refs
from ws.config.fields import Field
from ws.config.yamlfile import check_inside
from ws.errors import ConfigError

SELF = "self"  # ${self.Output}: the stack's own outputs, known once it has deployed
FIELDS = {
    "source": Field(str, required=True, doc="A folder inside the stack's folder."),
    "bucket": Field(str, required=True,
                    doc="Where to publish: usually `${self.BucketName}`, an output of the stack."),
    "prefix": Field(str, default="", doc="Key prefix: folder names, each ending in `/`."),
    "config_file": Field(str, default="config.json",
                         doc="A file ws writes beside the published files, from `config`."),
    "config": Field(dict, default={}, items=Field(schema.Scalar),
                    doc="The config file's values; references as in `parameters`."),
    "invalidate": Field(str, default="",
                        doc="A CloudFront distribution id whose changed paths are invalidated."),
}
_CONFIG_NAME = re.compile(r"^[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)*$")
_PREFIX = re.compile(r"^([A-Za-z0-9._${}-]+/)*$")


@dataclass(frozen=True)
class AssetSpec:
    """One folder to publish: where from, where to, the config file and what to invalidate."""

    source: str  # relative to the stack's folder
    bucket: str
    prefix: str
    config_file: str
    config: tuple[tuple[str, str], ...]  # (name, value with references), in file order
    invalidate: str
    line: int | None = None

    def values(self) -> list[str]:
        """Every text that may hold references."""
        return [self.bucket, self.prefix, self.invalidate, *(v for _, v in self.config)]

    def references(self) -> list[refs.Ref]:
        return [ref for value in self.values() for ref in refs.parse(value)]

    def declaration(self) -> dict[str, Any]:
        """What the fingerprint records of the declaration (references unresolved)."""
        return {"source": self.source, "bucket": self.bucket, "prefix": self.prefix,
                "config_file": self.config_file, "config": list(self.config),
                "invalidate": self.invalidate}


def parse_assets(data: Any, folder: Path, root: Path, display: str) -> tuple[AssetSpec, ...]:
    """The `assets:` list of a stack.yaml (None: none); ConfigError with file:line."""
    if data is None:
        return ()
    schema.expect(data, list, display, None, "'assets'")
    return tuple(_one(item, index, folder, root, display) for index, item in enumerate(data))


def _one(item: Any, index: int, folder: Path, root: Path, display: str) -> AssetSpec:
    what = f"assets[{index}]"
    spec = schema.check(item, FIELDS, display, what)
    line = schema.line_of(item)
    _check_source(spec["source"], folder, root, display, schema.line_of(item, "source"), what)
    config = schema.string_map(spec["config"], display, schema.line_of(item, "config"),
                               f"{what}.config")
    if not _CONFIG_NAME.match(spec["config_file"]) or ".." in spec["config_file"].split("/"):
        raise ConfigError(f"{what}.config_file {spec['config_file']!r} is not a relative file "
                          "name", "write a name like config.json", path=display,
                          line=schema.line_of(item, "config_file"))
    if spec["prefix"] and not _PREFIX.match(spec["prefix"]):
        raise ConfigError(f"{what}.prefix {spec['prefix']!r} must be folder names each ending "
                          "with '/'", "for example site/ or v2/site/ (or leave it out)",
                          path=display, line=schema.line_of(item, "prefix"))
    if not spec["bucket"].strip():
        raise ConfigError(f"{what}.bucket is empty", "write ${self.BucketName}", path=display,
                          line=schema.line_of(item, "bucket"))
    asset = AssetSpec(spec["source"], spec["bucket"], spec["prefix"], spec["config_file"],
                      tuple(config.items()), spec["invalidate"], line)
    for value in asset.values():
        try:
            refs.parse(value)
        except ValueError as exc:
            raise ConfigError(f"{what}: {exc}", path=display, line=line) from None
        if refs.secret_of(value) is not None:
            raise ConfigError(f"{what}: a secret cannot be published in a site's files",
                              "publish only values a browser may see", path=display, line=line)
    return asset


def _check_source(source: str, folder: Path, root: Path, display: str, line: int | None,
                  what: str) -> None:
    path = (folder / source)
    check_inside(path, root, f"{display}: {what}.source")
    if not path.resolve().is_relative_to(folder.resolve()):
        raise ConfigError(f"{what}.source {source!r} is outside the stack folder", path=display,
                          line=line)
    if not path.is_dir():
        raise ConfigError(f"{what}.source {source!r} is not a folder in {folder.name}/",
                          "create it or fix 'source'", path=display, line=line)


def check_references(assets: tuple[AssetSpec, ...], own_outputs: dict[str, Any],
                     outputs_of: dict[str, dict[str, Any]], display: str) -> None:
    """Every reference names a real output: the stack's own (self), another stack's, a built-in."""
    for index, asset in enumerate(assets):
        for ref in asset.references():
            _check_ref(ref, own_outputs, outputs_of, display, asset.line, f"assets[{index}]")


def _check_ref(ref: refs.Ref, own: dict[str, Any], others: dict[str, dict[str, Any]],
               display: str, line: int | None, what: str) -> None:
    if ref.is_builtin:
        return
    outputs = own if ref.stack == SELF else others.get(ref.stack)
    if outputs is None:
        raise ConfigError(f"{what}: {ref} references unknown stack {ref.stack!r}",
                          "use ${self.Output} for this stack's own outputs", path=display,
                          line=line)
    if ref.output not in outputs:
        known = ", ".join(sorted(outputs)) or "none"
        whose = "this stack" if ref.stack == SELF else f"stack {ref.stack!r}"
        raise ConfigError(f"{what}: {ref}: {whose} declares no output {ref.output!r}",
                          f"its outputs: {known}", path=display, line=line)


def upstream_stacks(assets: tuple[AssetSpec, ...]) -> set[str]:
    """The other stacks whose outputs the assets use (graph edges)."""
    return {r.stack for a in assets for r in a.references()
            if not r.is_builtin and r.stack != SELF}
