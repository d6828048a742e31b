"""Send an AWS integration's service request to the endpoint's own moto app, in process:
`action/X` as the service's protocol says (JSON: X-Amz-Target; query: Action=X), `path/P`
as a request to the service's host, signed as the endpoint's clients sign."""
from __future__ import annotations

import urllib.parse
from functools import lru_cache
from typing import Any

import botocore.session
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from werkzeug.test import Client

from ws.local.apigw.awsintegration import ServiceCall
from ws.local.apigw.mapping import Unsupported

_BOTOCORE_NAMES = {"states": "stepfunctions", "monitoring": "cloudwatch", "email": "ses",
                   "execute-api": "apigateway", "elasticloadbalancing": "elbv2"}
_QUERY_ACTIONS = {"sqs"}  # API Gateway still speaks SQS's query protocol (Action=...)
_CREDENTIALS = Credentials("testing", "testing")
_DROPPED = {"content-length", "transfer-encoding", "connection", "date", "server"}


class MotoServices:
    """A ServiceCaller over a WSGI app (moto's, behind the gateway)."""

    def __init__(self, app: Any) -> None:
        self.client = Client(app)

    def __call__(self, call: ServiceCall) -> tuple[int, tuple[tuple[str, str], ...], bytes]:
        method, path, query, headers = _shape(call)
        url = f"https://{_host(call)}{path}" + (f"?{urllib.parse.urlencode(query)}"
                                                 if query else "")
        signed = AWSRequest(method, url, headers=headers, data=call.body)
        SigV4Auth(_CREDENTIALS, _metadata(call.service).get("signingName") or call.service,
                  call.region).add_auth(signed)
        answer = self.client.open(path, method=method, base_url=f"https://{_host(call)}",
                                  query_string=query, headers=dict(signed.headers.items()),
                                  data=call.body)
        kept = tuple((k, v) for k, v in answer.headers.items() if k.lower() not in _DROPPED)
        return answer.status_code, kept, answer.get_data()


def _shape(call: ServiceCall) -> tuple[str, str, list[tuple[str, str]], dict[str, str]]:
    """(method, path, query, headers) of the service request."""
    headers = dict(call.headers)
    query = list(call.query)
    if call.kind == "path":
        return call.method, "/" + call.target.lstrip("/"), query, headers
    meta = _metadata(call.service)
    protocol = call.protocol or (
        "query" if call.service in _QUERY_ACTIONS else meta.get("protocol"))
    if protocol == "json":
        headers.setdefault("X-Amz-Target", f"{meta['targetPrefix']}.{call.target}")
        headers.setdefault("Content-Type", f"application/x-amz-json-{meta['jsonVersion']}")
        return "POST", "/", query, headers
    if protocol in ("query", "ec2"):
        query = [("Action", call.target), ("Version", meta["apiVersion"]), *query]
        headers.setdefault("Content-Type", "application/x-www-form-urlencoded")
        return call.method, "/", query, headers
    raise Unsupported(f"action {call.target} of {call.service} ({protocol}): use a path URI")


def _host(call: ServiceCall) -> str:
    prefix = _metadata(call.service).get("endpointPrefix") or call.service
    return f"{prefix}.{call.region}.amazonaws.com"


@lru_cache(maxsize=64)
def _metadata(service: str) -> dict[str, Any]:
    name = _BOTOCORE_NAMES.get(service, service)
    try:
        return dict(_session().get_service_model(name).metadata)
    except Exception:  # an unknown service name: botocore's UnknownServiceError
        raise Unsupported(f"service {service!r} of an AWS integration is unknown") from None


@lru_cache(maxsize=1)
def _session() -> Any:
    return botocore.session.get_session()
