"""Split a local API URL's path, /_ws/api/{api_id}/{rest}, into the stage and the path after it.

A REST or WebSocket API's stage is always the first segment. An HTTP API's first segment is
a stage only when the API has a stage of that name: otherwise the whole of `rest` is the path
on its `$default` stage (stage ""), so `/here` stays `/here`, not stage `here` with path `/`.
"""
from __future__ import annotations

from ws.local.apigw import httproutes

DEFAULT = ""  # the stage of a path that names none: an HTTP API's $default stage


def split(api_id: str, rest: str) -> tuple[str, str]:
    """(stage, path starting with '/') of the request path `rest` after the API id."""
    first, slash, path = rest.partition("/")
    if first and not _names_stage(api_id, first):
        return DEFAULT, "/" + rest
    return first, slash + path or "/"


def _names_stage(api_id: str, first: str) -> bool:
    """Whether `first` is a stage of the API (always so for a REST or WebSocket API)."""
    found = httproutes.find_api(api_id)
    if found is None or str(found[0].protocol_type or "HTTP").upper() != "HTTP":
        return True
    return first != "$default" and first in found[0].stages
