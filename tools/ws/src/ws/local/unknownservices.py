"""A call to a service moto does not have answers a short error naming the service.

moto failed inside its router ("Unable to find appropriate backend"), so werkzeug answered an
HTML page with status 500, which SDKs retry: a function calling Amazon Q Business waited
through four retries, then failed on an HTML page. Here the answer is 501 with a JSON error
(`NotImplementedException`) that SDKs read and do not retry. Each refusal is counted by
service: a custom resource whose function failed on one stands in as a placeholder
(ws.local.lambdas.unemulated), and the count shows the failure was the endpoint's own.
MediaConvert's DescribeEndpoints is answered (ws.local.mediaconvert).
"""
from __future__ import annotations

import json
import logging
import re
import threading
from collections import Counter
from typing import Any, Callable, Iterable

from . import mediaconvert

log = logging.getLogger("ws.local")
SCOPE = re.compile(r"Credential=[^/]+/\d{8}/[^/]+/([^/]+)/aws4_request")
WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]
MESSAGE = "The local endpoint has no {} API (moto does not emulate it)"
NAMED = re.compile(re.escape(MESSAGE).replace(r"\{\}", r"([\w.-]+)"))


class Refusals:
    """How many calls to each service the endpoint refused, safe from many threads."""

    def __init__(self) -> None:
        self._counts: Counter[str] = Counter()
        self._guard = threading.Lock()

    def add(self, service: str) -> None:
        with self._guard:
            self._counts[service] += 1

    def counts(self) -> dict[str, int]:
        with self._guard:
            return dict(self._counts)


class UnknownServices:
    """WSGI middleware over moto's DomainDispatcherApplication (`dispatcher`); each refusal
    is counted in `refusals`."""

    def __init__(self, dispatcher: Any, refusals: Refusals | None = None) -> None:
        self.dispatcher = dispatcher
        self.refusals = refusals if refusals is not None else Refusals()

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]
                 ) -> Iterable[bytes]:
        try:
            app = self.dispatcher.get_application(environ)
        except Exception:  # noqa: BLE001 - moto's router found no backend for the request
            service = service_of(environ)
            answered = mediaconvert.answer(service, environ, start_response)
            if answered is not None:
                return answered
            self.refusals.add(service)
            return refuse(service, start_response)
        return app(environ, start_response)


def service_of(environ: dict[str, Any]) -> str:
    """The service a signed request is for (its credential scope), else its host."""
    found = SCOPE.search(environ.get("HTTP_AUTHORIZATION", ""))
    return found.group(1) if found else environ.get("HTTP_HOST", "unknown")


def refuse(service: str, start_response: Callable[..., Any]) -> Iterable[bytes]:
    log.warning("a call to %s, which the local endpoint does not have", service)
    message = MESSAGE.format(service) + ": call it on AWS, or stub it in the function"
    body = json.dumps({"__type": "NotImplementedException", "message": message,
                       "Message": message}).encode()
    start_response("501 Not Implemented", [
        ("Content-Type", "application/x-amz-json-1.1"), ("Content-Length", str(len(body))),
        ("x-amzn-ErrorType", "NotImplementedException")])
    return [body]


def named_service(text: str) -> str | None:
    """The service a refusal's message (quoted in `text`) names, or None."""
    found = NAMED.search(text)
    return found.group(1) if found else None
