"""ELBv2 load balancers made as the template says: a Network Load Balancer is one.

moto's model ignored `Type`, `SubnetMappings`, `IpAddressType` and `Tags`: every balancer was an
Application Load Balancer, so an NLB's TCP/UDP/TLS listener was refused ("Listener protocol 'TCP'
must be one of 'HTTP, HTTPS'") and one placed by `SubnetMappings` had no subnet. Here moto's
backend makes it with those, named and addressed as AWS names them (`.../loadbalancer/net/...`),
with the attributes moto left out (`LoadBalancerFullName`, `CanonicalHostedZoneID`, ...).
"""
from __future__ import annotations

from typing import Any

from moto.core.common_models import CloudFormationModel
from moto.elbv2.models import FakeLoadBalancer, elbv2_backends

from .patched import Patched

# region -> (Application, Network) Load Balancers' hosted zone (AWS's published values)
ZONES = {"us-east-1": ("Z35SXDOTRQ7X7K", "Z26RNL4JYFTOTI"),
         "us-west-2": ("Z1H1FL5HABSF5", "Z18D5FSROUN65G"),
         "eu-west-1": ("Z32O12XQLNTSW2", "Z2IFOLAFXWLO4F")}


def full_name(balancer: FakeLoadBalancer) -> str:
    """`net/<name>/<id>` (`app/...` for an Application Load Balancer), from the ARN."""
    return balancer.arn.split(":loadbalancer/", 1)[1]


class LoadBalancer(Patched, CloudFormationModel):
    TYPE = "AWS::ElasticLoadBalancingV2::LoadBalancer"
    MODEL = FakeLoadBalancer
    EXTRA = {"LoadBalancerArn": lambda b: b.arn, "LoadBalancerFullName": full_name,
             "CanonicalHostedZoneID": lambda b: b.canonical_hosted_zone_id,
             "SecurityGroups": lambda b: list(b.security_groups or [])}

    @classmethod
    def create_from_cloudformation_json(cls, resource_name: str, cloudformation_json: dict,
                                        account_id: str, region_name: str,
                                        **kwargs: Any) -> Patched:
        props = cloudformation_json.get("Properties") or {}
        backend = elbv2_backends[account_id][region_name]
        kind = str(props.get("Type") or "application").lower()
        balancer = backend.create_load_balancer(
            resource_name, props.get("SecurityGroups") or [], props.get("Subnets") or [],
            subnet_mappings=props.get("SubnetMappings"),
            scheme=props.get("Scheme", "internet-facing"), loadbalancer_type=kind,
            ip_address_type=str(props.get("IpAddressType") or "ipv4").lower())
        _shape_as_aws(backend, balancer, region_name)
        backend.tagging_service.tag_resource(balancer.arn, props.get("Tags"))
        return cls._wrap(balancer, cloudformation_json, account_id, region_name,
                         kwargs.get("LogicalId", resource_name))

    @classmethod
    def update_from_cloudformation_json(cls, original_resource: Patched,  # type: ignore[override]
                                        new_resource_name: str, cloudformation_json: dict,
                                        account_id: str, region_name: str) -> Patched:
        """moto has no update of a balancer: in place (security groups, tags), or replaced
        when what AWS cannot change in place changes (name, type, scheme)."""
        props = cloudformation_json.get("Properties") or {}
        balancer = original_resource.inner
        if [props.get("Name", balancer.name), str(props.get("Type") or "application").lower(),
                props.get("Scheme", "internet-facing")] == [balancer.name, balancer.type,
                                                            balancer.scheme]:
            balancer.security_groups = props.get("SecurityGroups") or []
            backend = elbv2_backends[account_id][region_name]
            backend.tagging_service.tag_resource(balancer.arn, props.get("Tags"))
            return cls._wrap(balancer, cloudformation_json, account_id, region_name,
                             original_resource.logical_id)
        original_resource.delete(account_id, region_name)
        return cls.create_from_cloudformation_json(
            new_resource_name, cloudformation_json, account_id, region_name,
            LogicalId=original_resource.logical_id)


def _shape_as_aws(backend: Any, balancer: FakeLoadBalancer, region: str) -> None:
    """A network balancer's ARN and DNS name as AWS makes them; each its region's zone."""
    application, network = ZONES.get(region, ZONES["us-east-1"])
    balancer.canonical_hosted_zone_id = network if balancer.type == "network" else application
    if balancer.type != "network":
        return
    backend.load_balancers.pop(balancer.arn, None)
    balancer.arn = balancer.arn.replace(":loadbalancer/app/", ":loadbalancer/net/")
    backend.load_balancers[balancer.arn] = balancer
    balancer_id = balancer.arn.rsplit("/", 1)[1]
    balancer.dns_name = f"{balancer.name}-{balancer_id}.elb.{region}.amazonaws.com"
