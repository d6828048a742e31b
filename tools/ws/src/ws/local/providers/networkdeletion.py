"""Deleting a stack deletes the network resources it made, as CloudFormation does.

moto's models of route tables, routes, subnet associations, gateway attachments, internet and
NAT gateways, Elastic IPs and VPC endpoints have no delete: moto's stack deletion passed over
them, then refused to delete the VPC ("The vpc vpc-... has dependencies and cannot be
deleted") and the stack stayed. Each gets a `delete` that removes that one resource and what
AWS removes with it (a NAT gateway's or an interface endpoint's network interfaces), nothing
the stack did not make. A delete that must wait for another (a route table still associated,
a gateway still attached) raises, and moto's deletion tries it again after the others.
"""
from __future__ import annotations

from typing import Any

from moto.ec2.exceptions import InvalidRouteError
from moto.ec2.models import ec2_backends
from moto.ec2.models.elastic_ip_addresses import ElasticAddress
from moto.ec2.models.internet_gateways import InternetGateway
from moto.ec2.models.nat_gateways import NatGateway
from moto.ec2.models.route_tables import Route, RouteTable
from moto.ec2.models.subnets import SubnetRouteTableAssociation
from moto.ec2.models.vpcs import VPCEndPoint
from moto.ec2.models.vpn_gateway import VPCGatewayAttachment


def _ec2(account_id: str, region: str) -> Any:
    return ec2_backends[account_id][region]


def _route_table(self: RouteTable, account_id: str, region: str) -> None:
    _ec2(account_id, region).delete_route_table(self.id)


def _route(self: Route, account_id: str, region: str) -> None:
    backend = _ec2(account_id, region)
    if self.route_table.id not in backend.route_tables:
        return  # gone with its table
    try:
        backend.delete_route(
            self.route_table.id, self.destination_cidr_block, self.destination_ipv6_cidr_block,
            self.destination_prefix_list.id if self.destination_prefix_list else None)
    except InvalidRouteError:
        pass


def _association(self: SubnetRouteTableAssociation, account_id: str, region: str) -> None:
    backend = _ec2(account_id, region)
    backend.subnet_associations.pop(f"{self.route_table_id}:{self.subnet_id}", None)
    table = backend.route_tables.get(self.route_table_id)
    for association_id, subnet_id in list(getattr(table, "_associations", {}).items()):
        if subnet_id == self.subnet_id:
            table._associations.pop(association_id)


def _attachment(self: VPCGatewayAttachment, account_id: str, region: str) -> None:
    backend = _ec2(account_id, region)
    if self.gateway_id in backend.internet_gateways:
        gateway = backend.internet_gateways[self.gateway_id]
        if gateway.vpc is not None and gateway.vpc.id == self.vpc_id:
            backend.detach_internet_gateway(self.gateway_id, self.vpc_id)
    elif self.gateway_id in backend.vpn_gateways:
        backend.detach_vpn_gateway(self.gateway_id, self.vpc_id)


def _internet_gateway(self: InternetGateway, account_id: str, region: str) -> None:
    _ec2(account_id, region).delete_internet_gateway(self.id)


def _nat_gateway(self: NatGateway, account_id: str, region: str) -> None:
    """Deleted as on AWS: its network interface goes, its Elastic IP is let go (not released)."""
    backend = _ec2(account_id, region)
    for address in backend.addresses:
        if address.eni is self._eni:
            address.eni, address.association_id = None, None
    backend.enis.pop(self._eni.id, None)
    backend.delete_nat_gateway(self.id)


def _address(self: ElasticAddress, account_id: str, region: str) -> None:
    backend = _ec2(account_id, region)
    if self in backend.addresses:
        backend.release_address(address=self.public_ip)


def _endpoint(self: VPCEndPoint, account_id: str, region: str) -> None:
    """Its network interfaces go with it (moto's DeleteVpcEndpoints), then the endpoint."""
    backend = _ec2(account_id, region)
    backend.delete_vpc_endpoints([self.id])
    backend.vpc_end_points.pop(self.id, None)


DELETES = {RouteTable: _route_table, Route: _route, SubnetRouteTableAssociation: _association,
           VPCGatewayAttachment: _attachment, InternetGateway: _internet_gateway,
           NatGateway: _nat_gateway, ElasticAddress: _address, VPCEndPoint: _endpoint}


def install() -> None:
    """Give each of moto's network models its delete (idempotent)."""
    for model, delete in DELETES.items():
        model.delete = delete
