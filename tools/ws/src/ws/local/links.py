"""Which local URL answers for each AWS-shaped URL output (execute-api, cloudfront.net).

Pure mapping (`links_for`) plus the two reads it needs from the endpoint: CloudFront's
domain-to-id map (moto's domain names do not carry the distribution id) and, for
`ws local status`, every stack's outputs.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from ws.local.urls import to_local


@dataclass(frozen=True)
class LocalLink:
    """An output whose AWS URL is served locally at `local_url`."""

    stack: str
    output: str
    url: str
    local_url: str

    def as_dict(self) -> dict[str, str]:
        return asdict(self)


def links_for(outputs: dict[str, dict[str, str] | None], endpoint: str,
              cdn_ids: dict[str, str] | None = None) -> list[LocalLink]:
    """Every output of `outputs` (stack -> outputs) that maps to a local URL, sorted."""
    found = []
    for stack, values in sorted(outputs.items()):
        for name, value in sorted((values or {}).items()):
            local = to_local(value, endpoint, cdn_ids) if isinstance(value, str) else None
            if local:
                found.append(LocalLink(stack, name, value, local))
    return found


def cdn_ids(cloudfront: Any) -> dict[str, str]:
    """A distribution domain's first label -> its id, for every distribution."""
    result = {}
    for page in cloudfront.get_paginator("list_distributions").paginate():
        for item in (page.get("DistributionList") or {}).get("Items") or []:
            result[item["DomainName"].split(".", 1)[0]] = item["Id"]
    return result


def backend_links(backend: Any, outputs: dict[str, dict[str, str] | None]) -> list[LocalLink]:
    """The links of `outputs` on `backend`; none when it serves no local URLs (AWS)."""
    if not backend.endpoint_url or not any(outputs.values()):
        return []
    return links_for(outputs, backend.endpoint_url, cdn_ids(backend.client("cloudfront")))


def endpoint_links(backend: Any) -> list[LocalLink]:
    """The links of every stack the endpoint holds (by CloudFormation stack name)."""
    outputs = {}
    for page in backend.client("cloudformation").get_paginator("describe_stacks").paginate():
        for stack in page["Stacks"]:
            if stack["StackStatus"] != "DELETE_COMPLETE":
                outputs[stack["StackName"]] = {o["OutputKey"]: o["OutputValue"]
                                               for o in stack.get("Outputs") or []}
    return backend_links(backend, outputs)
