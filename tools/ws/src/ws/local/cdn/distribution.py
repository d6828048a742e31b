"""A distribution as the local CDN needs it: which behaviour and origin serve a path, its
default root object and its custom error responses (read from moto's CloudFront backend)."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from moto.cloudfront.models import cloudfront_backends


@dataclass(frozen=True)
class Origin:
    """Where a behaviour's requests go."""

    id: str
    domain: str
    path: str  # OriginPath, prefixed to the request path
    access_control: str  # the origin access control's id ("" for none)
    is_s3: bool


@dataclass(frozen=True)
class Site:
    """One distribution: id, ARN, root object, origins by behaviour, error responses."""

    id: str
    arn: str
    root_object: str
    default_origin: Origin
    behaviours: tuple[tuple[str, Origin], ...]  # (path pattern, origin), in order
    errors: dict[int, tuple[str, int]]  # error code -> (page path, response code)
    enabled: bool = True

    def origin_for(self, path: str) -> Origin:
        """The origin of the first cache behaviour whose pattern matches, else the default's."""
        for pattern, origin in self.behaviours:
            if _pattern(pattern).match(path):
                return origin
        return self.default_origin


def _pattern(pattern: str) -> re.Pattern[str]:
    """CloudFront path patterns: `*` any characters (slashes too), `?` one; from the root."""
    text = pattern if pattern.startswith("/") else "/" + pattern
    body = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in text)
    return re.compile(f"^{body}$")


def find_site(distribution_id: str) -> Site | None:
    """The distribution `distribution_id` in any account moto holds, or None."""
    for _account, partitions in list(cloudfront_backends.items()):
        for backend in list(partitions.values()):
            dist = backend.distributions.get(distribution_id)
            if dist is not None:
                return _site(dist)
    return None


def _site(dist: Any) -> Site:
    config = dist.distribution_config
    origins = {o.id: _origin(o) for o in config.Origins["Items"]}
    behaviours = tuple((b.path_pattern, origins[b.target_origin_id])
                       for b in (config.CacheBehaviors.get("Items") or [])
                       if b.target_origin_id in origins)
    errors = {int(e["ErrorCode"]): (e.get("ResponsePagePath", ""),
                                    int(e.get("ResponseCode") or e["ErrorCode"]))
              for e in (config.CustomErrorResponses.get("Items") or [])}
    return Site(dist.distribution_id, dist.arn, config.DefaultRootObject or "",
                origins[config.DefaultCacheBehavior.target_origin_id], behaviours, errors,
                bool(config.Enabled) and str(config.Enabled).lower() != "false")


def _origin(origin: Any) -> Origin:
    domain = origin.domain_name
    is_s3 = bool(re.search(r"\.s3[.-]([a-z0-9-]+\.)?amazonaws\.com$", domain))
    return Origin(origin.id, domain, origin.origin_path or "",
                  getattr(origin, "origin_access_control_id", "") or "", is_s3)
