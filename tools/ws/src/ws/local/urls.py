"""Where the running store answers locally: AWS-shaped URLs mapped to the local endpoint's.

The local endpoint serves everything on one port, so a page, its API and Cognito share one
origin (no CORS between them):

- a REST API stage: ``{endpoint}/_ws/api/{api_id}/{stage}/{path}``
  (AWS: ``https://{api_id}.execute-api.{region}.amazonaws.com/{stage}/{path}``)
- a WebSocket API stage: ``ws://127.0.0.1:{port}/_ws/api/{api_id}/{stage}``
  (AWS: ``wss://{api_id}.execute-api.{region}.amazonaws.com/{stage}``)
- a CloudFront distribution: ``{endpoint}/_ws/cdn/{distribution_id}/{path}``
  (AWS: ``https://{id}.cloudfront.net/{path}``, where the id is the domain's first label;
  ``wss://`` maps to ``ws://``, for a WebSocket API behind it)
- an AppSync GraphQL API: ``{endpoint}/_ws/appsync/{api_id}/graphql``
  (AWS: ``https://{api_id}.appsync-api.{region}.amazonaws.com/graphql``)
- a regional service endpoint the endpoint itself answers, e.g. Cognito's
  ``https://cognito-idp.{region}.amazonaws.com/``: ``{endpoint}/``
"""
from __future__ import annotations

import re

API_PREFIX = "/_ws/api/"
CDN_PREFIX = "/_ws/cdn/"
APPSYNC_PREFIX = "/_ws/appsync/"

_EXECUTE_API = re.compile(
    r"^(?P<scheme>https|wss)://(?P<api>[a-z0-9]+)\.execute-api\.(?P<region>[a-z0-9-]+)"
    r"\.amazonaws\.com(?P<rest>/.*)?$")
_APPSYNC = re.compile(
    r"^https://(?P<api>[a-z0-9-]+)\.appsync-api\.[a-z0-9-]+\.amazonaws\.com(?P<rest>/.*)?$")
_SERVICE = re.compile(r"^https://cognito-idp\.[a-z0-9-]+\.amazonaws\.com/?$")
_CLOUDFRONT = re.compile(
    r"^(?P<scheme>https|wss)://(?P<dist>[A-Za-z0-9]+)\.cloudfront\.net(?P<rest>/.*)?$")


def local_api_url(endpoint: str, api_id: str, stage: str) -> str:
    """The local URL of a REST API stage (no trailing slash)."""
    return f"{endpoint.rstrip('/')}{API_PREFIX}{api_id}/{stage}"


def local_cdn_url(endpoint: str, distribution_id: str) -> str:
    """The local URL of a CloudFront distribution's root (with its trailing slash)."""
    return f"{endpoint.rstrip('/')}{CDN_PREFIX}{distribution_id}/"


def to_local(url: str, endpoint: str, cdn_ids: dict[str, str] | None = None) -> str | None:
    """The local URL that answers for an AWS-shaped `url`, or None if it is not one ws serves.

    `cdn_ids` maps a CloudFront domain's first label to its distribution id where they differ
    (moto's domain names do not always carry the id).
    """
    match = _EXECUTE_API.match(url)
    if match:
        return f"{_base(endpoint, match['scheme'])}{API_PREFIX}{match['api']}{match['rest'] or '/'}"
    match = _APPSYNC.match(url)
    if match:
        return f"{endpoint.rstrip('/')}{APPSYNC_PREFIX}{match['api']}{match['rest'] or '/'}"
    if _SERVICE.match(url):
        return f"{endpoint.rstrip('/')}/"
    match = _CLOUDFRONT.match(url)
    if match:
        dist = (cdn_ids or {}).get(match["dist"], match["dist"])
        return f"{_base(endpoint, match['scheme'])}{CDN_PREFIX}{dist}{match['rest'] or '/'}"
    return None


def served_here(url: str, port: str) -> str:
    """`url` as the endpoint on 127.0.0.1:`port` answers it when it is an AppSync GraphQL URL
    (an HTTP integration proxying to an API's GraphQLUrl); else `url` unchanged."""
    if not (port.isdigit() and _APPSYNC.match(url)):
        return url
    return to_local(url, f"http://127.0.0.1:{port}") or url


def _base(endpoint: str, scheme: str) -> str:
    """The endpoint's URL for `scheme`: plain ws:// for wss://, as http:// for https://."""
    base = endpoint.rstrip("/")
    return "ws" + base.removeprefix("http") if scheme == "wss" else base
