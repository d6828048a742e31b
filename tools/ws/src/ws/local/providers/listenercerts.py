"""A load balancer's listener takes a well-formed ACM certificate ARN of its region that the
endpoint's ACM does not hold (a deployer's own certificate, given as a parameter), as AWS takes
the deployer's certificate; moto refused it ("Supplied certificate was not found"). A
certificate made in the stack is in moto's ACM (providers/certificates.py) and checked there.
"""
from __future__ import annotations

import logging
import re
from typing import Any

from moto.elb.exceptions import CertificateNotFoundException
from moto.elbv2 import models as elbv2

log = logging.getLogger("ws.local")
ACM_ARN = re.compile(r"arn:aws[\w-]*:acm:(?P<region>[a-z0-9-]+):\d{12}:certificate/"
                     r"[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}")


def install() -> None:
    """Wrap moto's listener certificate check (idempotent)."""
    if getattr(elbv2.register_certificate, "ws_acm_arns", False):
        return
    original = elbv2.register_certificate

    def register_certificate(account_id: str, region: str, arn_certificate: str,
                             arn_user: str) -> None:
        try:
            original(account_id=account_id, region=region, arn_certificate=arn_certificate,
                     arn_user=arn_user)
        except CertificateNotFoundException:
            if not well_formed(arn_certificate, region):
                raise
            log.warning("listener %s: certificate %s is not in the local endpoint's ACM; "
                        "taken as the deployer's own", arn_user, arn_certificate)
    register_certificate.ws_acm_arns = True  # type: ignore[attr-defined]
    elbv2.register_certificate = register_certificate  # type: ignore[assignment]


def well_formed(arn: Any, region: str) -> bool:
    found = ACM_ARN.fullmatch(str(arn))
    return bool(found) and found.group("region") == region
