"""VPC endpoint services (PrivateLink) made in moto's EC2 backend (they were placeholders), so
the local gateway can follow a VPC endpoint to the load balancers that serve it."""
from __future__ import annotations

from typing import Any

from moto.core.common_models import CloudFormationModel
from moto.ec2.models import ec2_backends

from .base import Provider


class VPCEndpointService(Provider, CloudFormationModel):
    TYPE = "AWS::EC2::VPCEndpointService"
    ATTRS = ("ServiceId",)

    @classmethod
    def create(cls, props: dict[str, Any], logical_id: str, account_id: str,
               region: str) -> "VPCEndpointService":
        service = ec2_backends[account_id][region].create_vpc_endpoint_service_configuration(
            list(props.get("NetworkLoadBalancerArns") or [])
            + list(props.get("GatewayLoadBalancerArns") or []),
            str(props.get("AcceptanceRequired", False)).lower() == "true", "",
            props.get("Tags") or [], [])
        return cls(service.id, {"ServiceId": service.id}, props, account_id, region,
                   logical_id)

    def remove(self) -> None:
        ec2_backends[self.account_id][self.region].delete_vpc_endpoint_service_configurations(
            [self.physical_id])
