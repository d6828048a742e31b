"""What a deploy ends with: the URLs a person opens (sites, then APIs), the local ones on the
local endpoint, so that the first thing to do next is one click away."""
from __future__ import annotations

import re
from typing import Any, Sequence

_SITE = re.compile(r"^https://[A-Za-z0-9]+\.cloudfront\.net(/.*)?$")
_API = re.compile(r"^https://[a-z0-9]+\.(execute-api|lambda-url)\.[a-z0-9-]+\.on\.aws(/.*)?$|"
                  r"^https://[a-z0-9]+\.execute-api\.[a-z0-9-]+\.amazonaws\.com(/.*)?$")


def _kind(url: str) -> int | None:
    """0 for a site (CloudFront), 1 for an API (API Gateway, function URL), None otherwise."""
    return 0 if _SITE.match(url) else 1 if _API.match(url) else None


def open_urls(outputs: dict[str, dict[str, str] | None],
              links: Sequence[Any] = ()) -> list[tuple[str, str]]:
    """(stack.Output, URL) of every site and API among `outputs`, sites first; the local URL
    where `links` (ws.local.links.LocalLink) has one."""
    local = {(link.stack, link.output): link.local_url for link in links}
    found = []
    for stack, values in outputs.items():
        for name, value in (values or {}).items():
            kind = _kind(value) if isinstance(value, str) else None
            if kind is not None:
                found.append((kind, f"{stack}.{name}", local.get((stack, name), value)))
    return [(label, url) for _, label, url in sorted(found)]


def open_block(urls: list[tuple[str, str]]) -> str:
    """The `Open:` lines, labels aligned; empty when there is nothing to open."""
    if not urls:
        return ""
    width = max(len(label) for label, _ in urls)
    return "\n".join(["Open:", *(f"  {label:<{width}}  {url}" for label, url in urls)])
