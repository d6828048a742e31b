"""Private integrations (connection type VPC_LINK): the request goes where the VPC link's load
balancer sends it (ws.local.apigw.balancers): to an address on this machine, a Lambda target
group (with the event a load balancer sends) or a fixed response. A hop that does not run
here (a container, an address in a VPC) raises Unreachable, which the gateway answers with
503 naming it."""
from __future__ import annotations

import json
import urllib.parse
import urllib.request
from typing import Any, Callable

from moto.apigateway.models import apigateway_backends

from ws.local.apigw import albevent, balancers, cloudmap
from ws.local.apigw.hops import Address, Destination, Fixed, Function, Unreachable
from ws.local.apigw.lambdas import Invoker
from ws.local.apigw.request import ApiResponse

Fetch = Callable[[urllib.request.Request, float], tuple[int, tuple[tuple[str, str], ...], bytes]]


def is_private(integration: Any) -> bool:
    return str(getattr(integration, "connection_type", "") or "").upper() == "VPC_LINK"


def rest_destination(link_id: str, url: str) -> Destination:
    """Where a REST API's VPC link `link_id` (to a Network Load Balancer) sends `url`."""
    link = next((found for regions in list(apigateway_backends.values())
                 for backend in list(regions.values())
                 if (found := backend.vpc_links.get(link_id)) is not None), None)
    if link is None or not link.target_arns:
        raise Unreachable(f"VPC link {link_id} is not on the local endpoint")
    parts = urllib.parse.urlsplit(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    return balancers.through_balancer(link.target_arns[0], port, parts.path or "/")


def http_destination(uri: str, path: str) -> Destination:
    """Where an HTTP API's private integration (`uri`: a load balancer listener's or a Cloud
    Map service's ARN) sends `path`."""
    if ":listener/" in uri:
        return balancers.through_listener(uri, path)
    if ":servicediscovery:" in uri:
        return cloudmap.destination(uri)
    raise Unreachable(f"private integration {uri} is not on the local endpoint")


def send(outgoing: urllib.request.Request, destination: Destination, timeout: float,
         invoker: Invoker, fetch: Fetch) -> ApiResponse:
    """The answer of `destination` to `outgoing` (its URL names the VPC link's host)."""
    if isinstance(destination, Fixed):
        return ApiResponse(destination.status, (("Content-Type", destination.content_type),),
                           destination.body.encode())
    if isinstance(destination, Function):
        answer = invoker(destination.arn,
                         json.dumps(albevent.event(outgoing, destination.group_arn)).encode())
        return albevent.BAD_GATEWAY if answer.error else albevent.response(answer.payload)
    assert isinstance(destination, Address)
    parts = urllib.parse.urlsplit(outgoing.full_url)
    host = f"[{destination.host}]" if ":" in destination.host else destination.host
    outgoing.full_url = urllib.parse.urlunsplit(
        ("http", f"{host}:{destination.port}", parts.path, parts.query, ""))
    return ApiResponse(*fetch(outgoing, timeout))
