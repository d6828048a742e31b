"""A stack with its own VPC (gateways, NAT, route tables, an interface endpoint, a network load
balancer, an ECS service) is deleted whole, as CloudFormation deletes it, and deploys again."""
from __future__ import annotations


def res(kind: str, **props) -> dict:
    return {"Type": kind, "Properties": props}


def ref(name: str) -> dict:
    return {"Ref": name}


def subnet(cidr: str, zone: str) -> dict:
    return res("AWS::EC2::Subnet", VpcId=ref("Vpc"), CidrBlock=cidr, AvailabilityZone=zone)


def route_table(name: str) -> dict:
    return res("AWS::EC2::RouteTable", VpcId=ref("Vpc"), Tags=[{"Key": "Name", "Value": name}])


def associate(table: str, subnet_name: str) -> dict:
    return res("AWS::EC2::SubnetRouteTableAssociation", RouteTableId=ref(table),
               SubnetId=ref(subnet_name))


NETWORK = {
    "Vpc": res("AWS::EC2::VPC", CidrBlock="10.20.0.0/16", EnableDnsSupport=True),
    "Outside": subnet("10.20.1.0/24", "us-east-1a"),
    "Inside": subnet("10.20.2.0/24", "us-east-1b"),
    "Gateway": res("AWS::EC2::InternetGateway"),
    "Attachment": res("AWS::EC2::VPCGatewayAttachment", VpcId=ref("Vpc"),
                      InternetGatewayId=ref("Gateway")),
    "NatAddress": {**res("AWS::EC2::EIP", Domain="vpc"), "DependsOn": "Attachment"},
    "Nat": res("AWS::EC2::NatGateway", SubnetId=ref("Outside"),
               AllocationId={"Fn::GetAtt": ["NatAddress", "AllocationId"]}),
    "OutsideRoutes": route_table("outside"),
    "InsideRoutes": route_table("inside"),
    "ToInternet": {**res("AWS::EC2::Route", RouteTableId=ref("OutsideRoutes"),
                         DestinationCidrBlock="0.0.0.0/0", GatewayId=ref("Gateway")),
                   "DependsOn": "Attachment"},
    "ThroughNat": res("AWS::EC2::Route", RouteTableId=ref("InsideRoutes"),
                      DestinationCidrBlock="0.0.0.0/0", NatGatewayId=ref("Nat")),
    "OutsideAssociation": associate("OutsideRoutes", "Outside"),
    "InsideAssociation": associate("InsideRoutes", "Inside"),
    "Guard": res("AWS::EC2::SecurityGroup", GroupDescription="tasks", VpcId=ref("Vpc")),
    "Endpoint": res("AWS::EC2::VPCEndpoint", VpcId=ref("Vpc"), VpcEndpointType="Interface",
                    ServiceName="com.amazonaws.us-east-1.execute-api",
                    SubnetIds=[ref("Inside")], SecurityGroupIds=[ref("Guard")]),
    "Balancer": res("AWS::ElasticLoadBalancingV2::LoadBalancer", Type="network",
                    Scheme="internal", Subnets=[ref("Inside")]),
    "Targets": res("AWS::ElasticLoadBalancingV2::TargetGroup", Name="tasks", Protocol="TCP",
                   Port=8000, TargetType="ip", VpcId=ref("Vpc")),
    "Listener": res("AWS::ElasticLoadBalancingV2::Listener", Protocol="TCP", Port=80,
                    LoadBalancerArn=ref("Balancer"),
                    DefaultActions=[{"Type": "forward", "TargetGroupArn": ref("Targets")}]),
}


def test_a_stack_with_its_own_vpc_is_deleted_and_deploys_again(stack, aws) -> None:
    ec2 = aws("ec2")
    before = {v["VpcId"] for v in ec2.describe_vpcs()["Vpcs"]}
    enis = {e["NetworkInterfaceId"] for e in ec2.describe_network_interfaces()[
        "NetworkInterfaces"]}
    template = {"Resources": NETWORK}
    stack.create(template)
    stack.delete()
    assert {v["VpcId"] for v in ec2.describe_vpcs()["Vpcs"]} == before
    assert {e["NetworkInterfaceId"] for e in ec2.describe_network_interfaces()[
        "NetworkInterfaces"]} == enis
    assert not ec2.describe_internet_gateways()["InternetGateways"]
    assert not ec2.describe_addresses()["Addresses"]
    assert [n["State"] for n in ec2.describe_nat_gateways()["NatGateways"]] == ["deleted"]
    assert not aws("elbv2").describe_target_groups()["TargetGroups"]
    stack.create(template)  # a second deploy of the same stack works
    stack.delete()


def test_deleting_a_stack_leaves_what_it_did_not_make(stack, aws) -> None:
    ec2 = aws("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.30.0.0/16")["Vpc"]["VpcId"]
    kept = ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
    stack.create({"Resources": {
        "Routes": res("AWS::EC2::RouteTable", VpcId=vpc),
        "Gateway": res("AWS::EC2::InternetGateway"),
        "Attachment": res("AWS::EC2::VPCGatewayAttachment", VpcId=vpc,
                          InternetGatewayId=ref("Gateway"))}})
    stack.delete()
    tables = {t["RouteTableId"] for t in ec2.describe_route_tables(Filters=[
        {"Name": "vpc-id", "Values": [vpc]}])["RouteTables"]}
    assert kept in tables and len(tables) == 2  # its own table and the main one
    assert not ec2.describe_internet_gateways()["InternetGateways"]


def test_an_ecs_service_is_deleted_with_its_stack(stack, aws) -> None:
    stack.create({"Resources": {
        "Cluster": res("AWS::ECS::Cluster", ClusterName="tasks"),
        "Task": res("AWS::ECS::TaskDefinition", Family="app", ContainerDefinitions=[
            {"Name": "app", "Image": "example/app", "Memory": 512}]),
        "Service": res("AWS::ECS::Service", ServiceName="web", Cluster=ref("Cluster"),
                       TaskDefinition=ref("Task"), DesiredCount=2)}})
    stack.delete()
    found = aws("ecs").describe_services(cluster="tasks", services=["web"])["services"]
    assert [s["status"] for s in found] == ["INACTIVE"]
