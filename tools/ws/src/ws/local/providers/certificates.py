"""AWS::CertificateManager::Certificate in moto's ACM: a load balancer's listener finds it.

CloudFormation completes the resource once the certificate is issued (DNS validation done, or
signed by the private CA it names): the certificate is made ISSUED at once, as a private one
is by moto. `Ref` and `CertificateArn` are its ARN.
"""
from __future__ import annotations

from typing import Any

from moto.acm.models import acm_backends
from moto.core.common_models import CloudFormationModel

from .base import Provider


def _backend(account_id: str, region: str) -> Any:
    return acm_backends[account_id][region]


class Certificate(Provider, CloudFormationModel):
    TYPE = "AWS::CertificateManager::Certificate"
    ATTRS = ("CertificateArn",)

    @classmethod
    def create(cls, props: dict[str, Any], logical_id: str, account_id: str,
               region: str) -> "Certificate":
        backend = _backend(account_id, region)
        made = backend.request_certificate(
            domain_name=str(props["DomainName"]), idempotency_token=None,
            subject_alt_names=[str(n) for n in props.get("SubjectAlternativeNames") or []],
            tags=props.get("Tags") or [],
            cert_authority_arn=props.get("CertificateAuthorityArn") or None)
        backend.get_certificate(made).status = "ISSUED"  # validated, as CloudFormation waits
        return cls(made, {"CertificateArn": made}, props, account_id, region, logical_id)

    def update(self, props: dict[str, Any]) -> "Certificate":
        """Every property but Tags replaces a certificate: a new one, the old removed."""
        made = type(self).create(props, self.logical_id, self.account_id, self.region)
        self.remove()
        return made

    def remove(self) -> None:
        backend = _backend(self.account_id, self.region)
        if self.physical_id in backend._certificates:
            backend.delete_certificate(self.physical_id)
