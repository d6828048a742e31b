"""MediaConvert's DescribeEndpoints, answered with the URL the caller reached this endpoint
by; every other MediaConvert call is still refused (ws.local.unknownservices).

Functions written before 2024 ask for their account's MediaConvert endpoint when imported
(`describe_endpoints()`, then a client on `Endpoints[0].Url`): refused, the import failed and
nothing of the function ran. Answered, the function runs until it calls what the endpoint
really lacks (CreateJob), and that call names MediaConvert. Shaped per botocore's model
(rest-json, `{"endpoints": [{"url": ...}]}`).
"""
from __future__ import annotations

import json
from typing import Any, Callable, Iterable

PATH = "/2017-08-29/endpoints"


def answer(service: str, environ: dict[str, Any],
           start_response: Callable[..., Any]) -> Iterable[bytes] | None:
    """The answer to a DescribeEndpoints call, or None for any other request."""
    if service != "mediaconvert" or environ.get("REQUEST_METHOD") != "POST" \
            or environ.get("PATH_INFO") != PATH:
        return None
    body = json.dumps({"endpoints": [{"url": own_url(environ)}]}).encode()
    start_response("200 OK", [("Content-Type", "application/json"),
                              ("Content-Length", str(len(body)))])
    return [body]


def own_url(environ: dict[str, Any]) -> str:
    """The URL the request came to: an AWS host name through the endpoint's HTTPS proxy
    (ws.local.reach), else the endpoint's own address."""
    host = environ.get("HTTP_HOST") or f"{environ['SERVER_NAME']}:{environ['SERVER_PORT']}"
    scheme = "https" if host.split(":")[0].endswith(".amazonaws.com") else \
        environ.get("wsgi.url_scheme", "http")
    return f"{scheme}://{host}"
