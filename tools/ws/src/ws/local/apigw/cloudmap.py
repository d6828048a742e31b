"""An HTTP API's private integration with a Cloud Map service: its registered instances, as far
as they run on this machine (an address here); an ECS service that registers with it, or an
instance elsewhere, does not run locally and Unreachable names it."""
from __future__ import annotations

from moto.servicediscovery.models import servicediscovery_backends

from ws.local.apigw.hops import Address, Destination, Unreachable
from ws.local.apigw.lbtargets import LOCAL_HOSTS, active_services


def destination(arn: str) -> Destination:
    """Where Cloud Map service `arn` sends the request."""
    instances = [i.attributes for i in _instances(arn)]
    for attributes in instances:
        host = attributes.get("AWS_INSTANCE_IPV4") or attributes.get("AWS_INSTANCE_IPV6")
        if host in LOCAL_HOSTS:
            return Address(host, int(attributes.get("AWS_INSTANCE_PORT") or 80))
    name = arn.rsplit("/", 1)[-1]
    services = _ecs_services(arn)
    if services:
        raise Unreachable(f"ECS service {services[0]} registered in Cloud Map service {name} "
                          "does not run locally (no containers here): test it on AWS")
    if instances:
        raise Unreachable(f"the instances of Cloud Map service {name} are not reachable from "
                          "this machine")
    raise Unreachable(f"Cloud Map service {name} has no registered instances on the local "
                      "endpoint")


def _instances(arn: str) -> list:
    for regions in list(servicediscovery_backends.values()):
        for backend in list(regions.values()):
            for service in list(backend.services.values()):
                if service.arn == arn:
                    return list(service.instances)
    return []


def _ecs_services(arn: str) -> list[str]:
    return [service.name for service in active_services()
            if any(r.get("registryArn") == arn for r in service.service_registries)]
