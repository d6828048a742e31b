"""Where a private integration's request ends up after its VPC link and load balancers: an
address on this machine, a Lambda function, a load balancer's fixed response, or a hop that
does not run locally (the gateway answers 503 naming it)."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Address:
    """A target listening on this machine: the request goes to http://host:port."""

    host: str
    port: int


@dataclass(frozen=True)
class Function:
    """A Lambda target group: the function gets the event a load balancer sends."""

    arn: str
    group_arn: str


@dataclass(frozen=True)
class Fixed:
    """A listener's fixed-response action."""

    status: int
    content_type: str
    body: str


Destination = Address | Function | Fixed


class Unreachable(LookupError):
    """A hop that does not run on this machine; the message names it and what to do."""
