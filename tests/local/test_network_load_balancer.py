"""A Network Load Balancer (`Type: network`) deploys with TCP/UDP listeners and target groups,
as in the private API and ECS patterns."""
from __future__ import annotations

import copy
import re


def res(kind: str, **props) -> dict:
    return {"Type": kind, "Properties": props}


def subnet(cidr: str, zone: str) -> dict:
    return res("AWS::EC2::Subnet", VpcId={"Ref": "Vpc"}, CidrBlock=cidr, AvailabilityZone=zone)


def forward(group: str) -> list[dict]:
    return [{"Type": "forward", "TargetGroupArn": {"Ref": group}}]


TEMPLATE = {"Resources": {
    "Vpc": res("AWS::EC2::VPC", CidrBlock="10.0.0.0/16"),
    "SubnetA": subnet("10.0.1.0/24", "us-east-1a"),
    "SubnetB": subnet("10.0.2.0/24", "us-east-1b"),
    "NetworkLoadBalancer": res("AWS::ElasticLoadBalancingV2::LoadBalancer", Type="network",
                               Scheme="internal",
                               SubnetMappings=[{"SubnetId": {"Ref": "SubnetA"}},
                                               {"SubnetId": {"Ref": "SubnetB"}}]),
    "TcpTargets": res("AWS::ElasticLoadBalancingV2::TargetGroup", Protocol="TCP", Port=80,
                      TargetType="ip", VpcId={"Ref": "Vpc"}),
    "UdpTargets": res("AWS::ElasticLoadBalancingV2::TargetGroup", Protocol="UDP", Port=53,
                      TargetType="ip", VpcId={"Ref": "Vpc"}),
    "LoadBalancerListener": res("AWS::ElasticLoadBalancingV2::Listener", Protocol="TCP",
                                Port=80, LoadBalancerArn={"Ref": "NetworkLoadBalancer"},
                                DefaultActions=forward("TcpTargets")),
    "DnsListener": res("AWS::ElasticLoadBalancingV2::Listener", Protocol="UDP", Port=53,
                       LoadBalancerArn={"Ref": "NetworkLoadBalancer"},
                       DefaultActions=forward("UdpTargets")),
}, "Outputs": {
    "Arn": {"Value": {"Ref": "NetworkLoadBalancer"}},
    "Dns": {"Value": {"Fn::GetAtt": ["NetworkLoadBalancer", "DNSName"]}},
    "FullName": {"Value": {"Fn::GetAtt": ["NetworkLoadBalancer", "LoadBalancerFullName"]}},
    "Zone": {"Value": {"Fn::GetAtt": ["NetworkLoadBalancer", "CanonicalHostedZoneID"]}},
}}


def test_a_network_load_balancer_takes_tcp_and_udp_listeners(stack, aws) -> None:
    outputs = stack.create(TEMPLATE)
    elb = aws("elbv2")
    balancer = elb.describe_load_balancers(LoadBalancerArns=[outputs["Arn"]])["LoadBalancers"][0]
    assert balancer["Type"] == "network" and balancer["Scheme"] == "internal"
    listeners = elb.describe_listeners(LoadBalancerArn=outputs["Arn"])["Listeners"]
    assert sorted((x["Protocol"], x["Port"]) for x in listeners) == [("TCP", 80), ("UDP", 53)]
    assert re.fullmatch(r"net/[\w-]+/[0-9a-f]{16}", outputs["FullName"]), outputs
    assert outputs["Dns"].endswith(".elb.us-east-1.amazonaws.com")
    assert re.fullmatch(r"Z[A-Z0-9]+", outputs["Zone"])
    changed = copy.deepcopy(TEMPLATE)
    changed["Resources"]["NetworkLoadBalancer"]["Properties"]["Tags"] = [
        {"Key": "team", "Value": "fraud"}]
    assert stack.update(changed)["Arn"] == outputs["Arn"]  # a tag changes it in place
    assert len(elb.describe_listeners(LoadBalancerArn=outputs["Arn"])["Listeners"]) == 2
    stack.delete()
    assert not elb.describe_load_balancers()["LoadBalancers"]


def test_an_application_load_balancer_stays_one(stack, aws) -> None:
    keep = ("Vpc", "SubnetA", "SubnetB")
    template = {"Resources": {k: TEMPLATE["Resources"][k] for k in keep}, "Outputs": {
        "FullName": {"Value": {"Fn::GetAtt": ["Balancer", "LoadBalancerFullName"]}}}}
    template["Resources"].update({
        "Balancer": res("AWS::ElasticLoadBalancingV2::LoadBalancer",
                        Subnets=[{"Ref": "SubnetA"}, {"Ref": "SubnetB"}]),
        "Targets": res("AWS::ElasticLoadBalancingV2::TargetGroup", Protocol="HTTP", Port=80,
                       VpcId={"Ref": "Vpc"}),
        "Listener": res("AWS::ElasticLoadBalancingV2::Listener", Protocol="HTTP", Port=80,
                        LoadBalancerArn={"Ref": "Balancer"}, DefaultActions=forward("Targets"))})
    assert stack.create(template)["FullName"].startswith("app/")
    assert aws("elbv2").describe_load_balancers()["LoadBalancers"][0]["Type"] == "application"
    stack.delete()
