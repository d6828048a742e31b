"""VPC endpoints with the `GetAtt` attributes AWS documents (`NetworkInterfaceIds`,
`DnsEntries`, `Id`, `CreationTimestamp`), which moto's model refused.

An interface endpoint's DNS entries are AWS's: the regional name first, then one per zone of
its subnets, each `<zone id>:vpce-<id>-<token>[-<az>].<service>.<region>.vpce.amazonaws.com`
(a private API's template splits the first one to get its DNS name). DescribeVpcEndpoints
lists the same names. A gateway endpoint without `RouteTableIds` no longer fails.
"""
from __future__ import annotations

from typing import Any

from moto.core.common_models import CloudFormationModel
from moto.ec2.models import ec2_backends
from moto.ec2.models.vpcs import VPCEndPoint

from .patched import Patched

ZONES = {"us-east-1": "Z7HUB22UULQXV"}  # endpoints' hosted zone (AWS's; elsewhere one shaped so)


def dns_entries(endpoint: VPCEndPoint) -> list[str]:
    return [f"{e['hosted_zone_id']}:{e['dns_name']}" for e in endpoint.dns_entries or []]


class VPCEndpoint(Patched, CloudFormationModel):
    TYPE = "AWS::EC2::VPCEndpoint"
    MODEL = VPCEndPoint
    EXTRA = {"Id": lambda e: e.id, "NetworkInterfaceIds": lambda e: list(e.network_interface_ids),
             "DnsEntries": dns_entries,
             "CreationTimestamp": lambda e: e.creation_timestamp.strftime("%Y-%m-%dT%H:%M:%SZ")}

    @classmethod
    def create_from_cloudformation_json(cls, resource_name: str, cloudformation_json: dict,
                                        account_id: str, region_name: str,
                                        **kwargs: Any) -> Patched:
        props = {"RouteTableIds": [], **(cloudformation_json.get("Properties") or {})}
        made = super().create_from_cloudformation_json(  # (moto failed a gateway endpoint
            resource_name, {**cloudformation_json, "Properties": props},  # without tables)
            account_id, region_name, **kwargs)
        endpoint = made.inner
        if endpoint.dns_entries:
            endpoint.dns_entries = _aws_entries(endpoint, account_id, region_name)
        return made


def _aws_entries(endpoint: VPCEndPoint, account_id: str, region: str) -> list[dict[str, str]]:
    """moto's one entry (`vpce-<id>-<token>.<service name>`) as AWS's list."""
    first = endpoint.dns_entries[0]
    token = first["dns_name"].split(".", 1)[0].rsplit("-", 1)[1]
    service = endpoint.service_name.rsplit(f"{region}.", 1)[-1]
    domain = f"{service}.{region}.vpce.amazonaws.com"
    backend = ec2_backends[account_id][region]
    zones = sorted({backend.get_subnet(s).availability_zone for s in endpoint.subnet_ids or []})
    names = [f"{endpoint.id}-{token}.{domain}"] + [
        f"{endpoint.id}-{token}-{zone}.{domain}" for zone in zones]
    zone = ZONES.get(region) or "Z" + first["hosted_zone_id"][1:]
    return [{"dns_name": name, "hosted_zone_id": zone} for name in names]
