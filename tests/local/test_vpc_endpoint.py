"""An interface VPC endpoint's `NetworkInterfaceIds` and `DnsEntries`, shaped as AWS gives them
(a private API's template reads its DNS name from the first entry)."""
from __future__ import annotations

import re


def res(kind: str, **props) -> dict:
    return {"Type": kind, "Properties": props}


def getatt(attribute: str) -> dict:
    return {"Fn::GetAtt": ["VPCEndpoint", attribute]}


TEMPLATE = {"Resources": {
    "Vpc": res("AWS::EC2::VPC", CidrBlock="10.0.0.0/16"),
    "SubnetA": res("AWS::EC2::Subnet", VpcId={"Ref": "Vpc"}, CidrBlock="10.0.1.0/24",
                   AvailabilityZone="us-east-1a"),
    "SubnetB": res("AWS::EC2::Subnet", VpcId={"Ref": "Vpc"}, CidrBlock="10.0.2.0/24",
                   AvailabilityZone="us-east-1b"),
    "VPCEndpoint": res("AWS::EC2::VPCEndpoint", VpcId={"Ref": "Vpc"},
                       ServiceName="com.amazonaws.us-east-1.execute-api",
                       VpcEndpointType="Interface", PrivateDnsEnabled=True,
                       SubnetIds=[{"Ref": "SubnetA"}, {"Ref": "SubnetB"}]),
    "GatewayEndpoint": res("AWS::EC2::VPCEndpoint", VpcId={"Ref": "Vpc"},
                           ServiceName="com.amazonaws.us-east-1.s3"),
}, "Outputs": {
    "Enis": {"Value": {"Fn::Join": [",", getatt("NetworkInterfaceIds")]}},
    "Dns": {"Value": {"Fn::Join": [",", getatt("DnsEntries")]}},
    "FirstName": {"Value": {"Fn::Select": [1, {"Fn::Split": [":", {
        "Fn::Select": [0, getatt("DnsEntries")]}]}]}},
    "Id": {"Value": getatt("Id")},
    "GatewayEnis": {"Value": {"Fn::Join": [",", {
        "Fn::GetAtt": ["GatewayEndpoint", "NetworkInterfaceIds"]}]}},
}}
DNS = r"vpce-[0-9a-f]+-[a-z0-9]+(-us-east-1[ab])?\.execute-api\.us-east-1\.vpce\.amazonaws\.com"


def test_an_interface_endpoint_gives_its_enis_and_dns_entries(stack, aws) -> None:
    outputs = stack.create(TEMPLATE)
    enis = outputs["Enis"].split(",")
    assert len(enis) == 2 and all(re.fullmatch(r"eni-[0-9a-f]+", e) for e in enis), outputs
    found = aws("ec2").describe_network_interfaces(NetworkInterfaceIds=enis)
    assert len(found["NetworkInterfaces"]) == 2
    entries = outputs["Dns"].split(",")
    assert len(entries) == 3  # the regional name, then one per zone, as AWS lists them
    assert all(re.fullmatch(r"Z[A-Z0-9]+:" + DNS, e) for e in entries), entries
    assert re.fullmatch(DNS, outputs["FirstName"]) and "-us-east-1" not in outputs["FirstName"]
    assert re.fullmatch(r"vpce-[0-9a-f]+", outputs["Id"])
    described = aws("ec2").describe_vpc_endpoints(VpcEndpointIds=[outputs["Id"]])
    assert described["VpcEndpoints"][0]["DnsEntries"][0]["DnsName"] == outputs["FirstName"]
    assert outputs["GatewayEnis"] == ""  # a gateway endpoint has none
    stack.delete()
