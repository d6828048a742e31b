"""WSGI middleware: /_ws/cdn/{distribution_id}/... answers as that CloudFront distribution
(S3 origins through their origin access control, execute-api origins through the local API
gateway); every other request goes on to `app`."""
from __future__ import annotations

from http import HTTPStatus
from typing import Any, Callable, Iterable

from ws.local.cdn import s3origin
from ws.local.cdn.distribution import Origin, Site, find_site
from ws.local.urls import API_PREFIX, CDN_PREFIX

WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]
Reply = tuple[int, list[tuple[str, str]], bytes]
_EDGE = [("X-Cache", "Miss from cloudfront"), ("Via", "1.1 ws-local (CloudFront)")]


class CdnMiddleware:
    """Serves local distributions under CDN_PREFIX; passes every other request to `app`."""

    def __init__(self, app: WsgiApp) -> None:
        self.app = app

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]
                 ) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if not path.startswith(CDN_PREFIX):
            return self.app(environ, start_response)
        dist_id, slash, rest = path[len(CDN_PREFIX):].partition("/")
        if not slash:  # the site's root is a folder: relative links need the slash
            query = environ.get("QUERY_STRING")
            where = f"{CDN_PREFIX}{dist_id}/" + (f"?{query}" if query else "")
            return _send((301, [("Location", where)], b""), start_response)
        site = find_site(dist_id)
        if site is None or not site.enabled:
            return _send(_text(404, f"no CloudFront distribution {dist_id} on the local "
                                    "endpoint"), start_response)
        origin = site.origin_for("/" + rest)
        if origin.is_s3:
            return _send(serve_s3(site, origin, "/" + rest, environ), start_response)
        api_id = origin.domain.split(".execute-api.", 1)[0] if ".execute-api." in origin.domain \
            else ""
        if api_id:
            inner = dict(environ, PATH_INFO=f"{API_PREFIX}{api_id}{origin.path}/{rest}")
            return self.app(inner, start_response)
        return _send(_text(502, f"origin {origin.domain} is not served locally"), start_response)


def serve_s3(site: Site, origin: Origin, path: str, environ: dict[str, Any]) -> Reply:
    """GET/HEAD of an S3 origin's object, with CloudFront's root object and error pages."""
    method = environ.get("REQUEST_METHOD", "GET")
    if method not in ("GET", "HEAD"):
        return _text(403, "This distribution is not configured to allow the HTTP request "
                          "method that was used for this request.")
    key = _key(origin, site.root_object if path == "/" and site.root_object else path)
    try:
        found = s3origin.get_object(origin, site.arn, key)
    except s3origin.Refused as refused:
        return _error_page(site, origin, refused, method)
    if environ.get("HTTP_IF_NONE_MATCH") == found.etag:
        return 304, [*found.headers, *_EDGE], b""
    return 200, [*found.headers, *_EDGE], b"" if method == "HEAD" else found.body


def _error_page(site: Site, origin: Origin, refused: s3origin.Refused, method: str) -> Reply:
    """A custom error response's page when the distribution declares one, else S3's error."""
    page, status = site.errors.get(refused.status, ("", refused.status))
    if page:
        try:
            found = s3origin.get_object(origin, site.arn, _key(origin, page))
            return status, [*found.headers, *_EDGE], b"" if method == "HEAD" else found.body
        except s3origin.Refused:
            pass
    body = (f'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>{refused.code}</Code>'
            f"<Message>{refused}</Message></Error>").encode()
    headers = [("Content-Type", "application/xml"), ("X-Cache", "Error from cloudfront")]
    return status, headers, b"" if method == "HEAD" else body


def _key(origin: Origin, path: str) -> str:
    return (origin.path.strip("/") + "/" if origin.path.strip("/") else "") + path.lstrip("/")


def _text(status: int, message: str) -> Reply:
    return status, [("Content-Type", "text/plain; charset=utf-8")], message.encode()


def _send(reply: Reply, start_response: Callable[..., Any]) -> list[bytes]:
    status, headers, body = reply
    try:
        phrase = HTTPStatus(status).phrase
    except ValueError:
        phrase = ""
    start_response(f"{status} {phrase}".rstrip(), [*headers, ("Content-Length", str(len(body)))])
    return [body]
