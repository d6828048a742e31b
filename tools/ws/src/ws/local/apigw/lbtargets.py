"""A target group's targets, as far as they run on this machine: a Lambda function, an
Application Load Balancer (followed in turn), an address here (127.0.0.1), or the network
interface of a VPC endpoint whose endpoint service's load balancers are followed. Containers
(an ECS service registered with the group) and other addresses do not run here: Unreachable
names them."""
from __future__ import annotations

from typing import Any, Callable

from moto.ec2.models import ec2_backends
from moto.ecs.models import ecs_backends
from moto.elbv2.models import elbv2_backends

from ws.local.apigw.hops import Address, Destination, Function, Unreachable

LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")
Follow = Callable[[str, int], Destination]  # (load balancer ARN, port) -> where it sends


def destination(group_arn: str, balancer: Any, follow: Follow) -> Destination:
    """Where target group `group_arn` (behind `balancer`) sends the request."""
    group = _group(group_arn)
    targets = [(t["Id"], int(t.get("Port") or group.port or 80)) for t in group.targets.values()]
    if group.target_type == "lambda" and targets:
        return Function(targets[0][0], group.arn)
    missed: list[str] = [f"ECS service {name} behind load balancer {balancer.name} does not "
                         "run locally (no containers here): test it on AWS"
                         for name in _services(group.arn)]
    for target, port in targets:
        try:
            return _target(group, target, port, follow)
        except Unreachable as exc:
            missed.append(str(exc))
    if not missed:
        missed.append(f"target group {group.name} behind load balancer {balancer.name} has "
                      "no registered targets")
    raise Unreachable(missed[0])


def _target(group: Any, target: str, port: int, follow: Follow) -> Destination:
    if group.target_type == "alb":
        return follow(target, port)
    if target in LOCAL_HOSTS:
        return Address(target, port)
    if target.startswith("i-"):
        raise Unreachable(f"EC2 instance {target} of target group {group.name} does not run "
                          "locally")
    endpoint = _endpoint_at(target)
    if endpoint is None:
        raise Unreachable(f"target {target}:{port} of target group {group.name} is not "
                          "reachable from this machine")
    balancers = _service_balancers(endpoint.service_name)
    if not balancers:
        raise Unreachable(f"VPC endpoint {endpoint.id} connects to {endpoint.service_name}, "
                          "which is not on the local endpoint: deploy the stack that makes it")
    return follow(balancers[0], port)


def _group(arn: str) -> Any:
    for regions in list(elbv2_backends.values()):
        for backend in list(regions.values()):
            if arn in backend.target_groups:
                return backend.target_groups[arn]
    raise Unreachable(f"target group {arn} is not on the local endpoint")


def active_services() -> list[Any]:
    """moto's ECS services that are not deleted, in every account and region."""
    return [service for regions in list(ecs_backends.values())
            for backend in list(regions.values()) for service in list(backend.services.values())
            if service.status == "ACTIVE"]


def _services(group_arn: str) -> list[str]:
    """The ECS services registered with the target group (their `LoadBalancers`)."""
    return [service.name for service in active_services()
            if any(lb.get("targetGroupArn") == group_arn for lb in service.load_balancers)]


def _endpoint_at(address: str) -> Any | None:
    """The VPC endpoint whose network interface has private address `address`."""
    for regions in list(ec2_backends.values()):
        for backend in list(regions.values()):
            for endpoint in list(backend.vpc_end_points.values()):
                for eni_id in endpoint.network_interface_ids or []:
                    eni = backend.enis.get(eni_id)
                    if eni is not None and eni.private_ip_address == address:
                        return endpoint
    return None


def _service_balancers(service_name: str) -> list[str]:
    """The load balancers of the endpoint service named `service_name`, in any account."""
    for regions in list(ec2_backends.values()):
        for backend in list(regions.values()):
            for service in list(backend.configurations.values()):
                if service.service_name == service_name:
                    return list(service.network_load_balancer_arns)
    return []
