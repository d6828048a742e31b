"""Private integrations on the local gateway: a REST API's VPC link to a Network Load Balancer,
an HTTP API's integration with a load balancer listener, followed through listeners and target
groups to what answers here (an ALB's Lambda target, an address on this machine), or to a 503
naming the hop that does not run locally (an ECS service, a VPC endpoint's missing service)."""
from __future__ import annotations

import json

import pytest

from apistore import call, call_json
from httpbackend import JsonHandler, serving
from ws.local.urls import local_api_url

ALB_ECHO = """
import json
def handler(event, context):
    return {"statusCode": 201, "statusDescription": "201 Created",
            "headers": {"Content-Type": "application/json"}, "isBase64Encoded": False,
            "body": json.dumps({"path": event["path"], "method": event["httpMethod"],
                                "group": event["requestContext"]["elb"]["targetGroupArn"],
                                "query": event["queryStringParameters"]})}
"""


class Backend(JsonHandler):
    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        self.reply_json(200, {"path": self.path, "host": self.headers.get("Host")})


@pytest.fixture(scope="module")
def backend_port():
    with serving(Backend) as port:
        yield port


def res(kind: str, **props) -> dict:
    return {"Type": kind, "Properties": props}


def ref(name: str) -> dict:
    return {"Ref": name}


def group(kind: str, targets: list, **props) -> dict:
    return res("AWS::ElasticLoadBalancingV2::TargetGroup", TargetType=kind, Targets=targets,
               **props)


def listener(balancer: str, port: int, target_group: str, protocol: str = "TCP") -> dict:
    return res("AWS::ElasticLoadBalancingV2::Listener", LoadBalancerArn=ref(balancer),
               Port=port, Protocol=protocol,
               DefaultActions=[{"Type": "forward", "TargetGroupArn": ref(target_group)}])


def balancer(kind: str) -> dict:
    return res("AWS::ElasticLoadBalancingV2::LoadBalancer", Type=kind, Scheme="internal",
               Subnets=[ref("SubnetA"), ref("SubnetB")])


def private_method(path_part: str, verb: str, link: str, uri: dict) -> dict:
    return res("AWS::ApiGateway::Method", RestApiId=ref("Api"), ResourceId=ref(path_part),
               HttpMethod=verb, AuthorizationType="NONE", Integration={
                   "Type": "HTTP_PROXY", "IntegrationHttpMethod": "ANY", "Uri": uri,
                   "ConnectionType": "VPC_LINK", "ConnectionId": ref(link)})


def dns(name: str, tail: str) -> dict:
    return {"Fn::Sub": f"http://${{{name}.DNSName}}{tail}"}


def network() -> dict:
    return {
        "Vpc": res("AWS::EC2::VPC", CidrBlock="10.40.0.0/16"),
        "SubnetA": res("AWS::EC2::Subnet", VpcId=ref("Vpc"), CidrBlock="10.40.1.0/24",
                       AvailabilityZone="us-east-1a"),
        "SubnetB": res("AWS::EC2::Subnet", VpcId=ref("Vpc"), CidrBlock="10.40.2.0/24",
                       AvailabilityZone="us-east-1b"),
        "Role": res("AWS::IAM::Role", AssumeRolePolicyDocument={
            "Version": "2012-10-17", "Statement": []}),
        "Echo": res("AWS::Lambda::Function", Runtime="python3.11", Handler="index.handler",
                    Code={"ZipFile": ALB_ECHO}, Role={"Fn::GetAtt": ["Role", "Arn"]}),
        "FunctionTargets": group("lambda", [{"Id": {"Fn::GetAtt": ["Echo", "Arn"]}}]),
        "Alb": balancer("application"),
        "AlbListener": listener("Alb", 80, "FunctionTargets", "HTTP"),
        "AlbTargets": group("alb", [{"Id": ref("Alb")}], Protocol="TCP", Port=80,
                            VpcId=ref("Vpc")),
        "LocalTargets": group("ip", [{"Id": "127.0.0.1", "Port": ref("BackendPort")}],
                              Protocol="TCP", Port=8080, VpcId=ref("Vpc")),
        "Nlb": balancer("network"),
        "NlbToAlb": listener("Nlb", 80, "AlbTargets"),
        "NlbToHere": listener("Nlb", 81, "LocalTargets"),
        "TaskTargets": group("ip", [], Protocol="TCP", Port=8000, VpcId=ref("Vpc")),
        "TaskNlb": balancer("network"),
        "TaskListener": listener("TaskNlb", 80, "TaskTargets"),
        "Cluster": res("AWS::ECS::Cluster", ClusterName="answers"),
        "Task": res("AWS::ECS::TaskDefinition", Family="answers", NetworkMode="awsvpc",
                    RequiresCompatibilities=["FARGATE"], Cpu="256", Memory="512",
                    ContainerDefinitions=[{"Name": "app", "Image": "example/app",
                                           "PortMappings": [{"ContainerPort": 8000}]}]),
        "Service": {**res("AWS::ECS::Service", ServiceName="answers-service",
                          Cluster=ref("Cluster"), TaskDefinition=ref("Task"), DesiredCount=1,
                          LaunchType="FARGATE", LoadBalancers=[{
                              "ContainerName": "app", "ContainerPort": 8000,
                              "TargetGroupArn": ref("TaskTargets")}]),
                    "DependsOn": "TaskListener"},
    }


def rest_api() -> dict:
    def part(name: str) -> dict:
        return res("AWS::ApiGateway::Resource", RestApiId=ref("Api"), PathPart=name,
                   ParentId={"Fn::GetAtt": ["Api", "RootResourceId"]})
    return {
        "Link": res("AWS::ApiGateway::VpcLink", Name="to-nlb", TargetArns=[ref("Nlb")]),
        "TaskLink": res("AWS::ApiGateway::VpcLink", Name="to-tasks",
                        TargetArns=[ref("TaskNlb")]),
        "Api": res("AWS::ApiGateway::RestApi", Name="private-backends"),
        "Fn": part("fn"), "Here": part("here"), "Ask": part("ask"),
        "FnAny": private_method("Fn", "ANY", "Link", dns("Nlb", "/lambda")),
        "HereGet": private_method("Here", "GET", "Link", dns("Nlb", ":81/backend")),
        "AskPost": private_method("Ask", "POST", "TaskLink", dns("TaskNlb", "/")),
        "Deployment": {**res("AWS::ApiGateway::Deployment", RestApiId=ref("Api"),
                             StageName="prod"), "DependsOn": ["FnAny", "HereGet", "AskPost"]},
    }


def http_api() -> dict:
    return {
        "HttpApi": res("AWS::ApiGatewayV2::Api", Name="private-http", ProtocolType="HTTP"),
        "HttpLink": res("AWS::ApiGatewayV2::VpcLink", Name="http-link",
                        SubnetIds=[ref("SubnetA")]),
        "ToAlb": res("AWS::ApiGatewayV2::Integration", ApiId=ref("HttpApi"),
                     IntegrationType="HTTP_PROXY", IntegrationMethod="ANY",
                     ConnectionType="VPC_LINK", ConnectionId=ref("HttpLink"),
                     IntegrationUri=ref("AlbListener"), PayloadFormatVersion="1.0"),
        "ToTasks": res("AWS::ApiGatewayV2::Integration", ApiId=ref("HttpApi"),
                       IntegrationType="HTTP_PROXY", IntegrationMethod="ANY",
                       ConnectionType="VPC_LINK", ConnectionId=ref("HttpLink"),
                       IntegrationUri=ref("TaskListener"), PayloadFormatVersion="1.0"),
        "AlbRoute": res("AWS::ApiGatewayV2::Route", ApiId=ref("HttpApi"),
                        RouteKey="GET /items/{id}",
                        Target={"Fn::Sub": "integrations/${ToAlb}"}),
        "TaskRoute": res("AWS::ApiGatewayV2::Route", ApiId=ref("HttpApi"),
                         RouteKey="POST /ask", Target={"Fn::Sub": "integrations/${ToTasks}"}),
        "HttpStage": res("AWS::ApiGatewayV2::Stage", ApiId=ref("HttpApi"),
                         StageName="$default", AutoDeploy=True),
    }


@pytest.fixture
def private(stack, moto_url, backend_port):
    outputs = stack.create({
        "Parameters": {"BackendPort": {"Type": "Number", "Default": backend_port}},
        "Resources": {**network(), **rest_api(), **http_api()},
        "Outputs": {"Api": {"Value": ref("Api")}, "HttpApi": {"Value": ref("HttpApi")},
                    "Group": {"Value": ref("FunctionTargets")}}})
    return outputs


def test_a_vpc_link_reaches_an_albs_lambda_target_through_the_nlb(private, moto_url) -> None:
    base = local_api_url(moto_url, private["Api"], "prod")
    status, answer = call_json(base + "/fn?size=2", method="PUT")
    assert status == 201
    assert answer == {"path": "/lambda", "method": "PUT", "group": private["Group"],
                      "query": {"size": "2"}}


def test_a_vpc_link_reaches_an_address_on_this_machine(private, moto_url, backend_port) -> None:
    status, answer = call_json(local_api_url(moto_url, private["Api"], "prod") + "/here")
    assert (status, answer) == (200, {"path": "/backend", "host": f"127.0.0.1:{backend_port}"})


def test_an_ecs_service_behind_the_link_answers_503_naming_it(private, moto_url) -> None:
    status, headers, body = call(local_api_url(moto_url, private["Api"], "prod") + "/ask",
                                 method="POST", body=b"{}")
    message = json.loads(body)["message"]
    assert status == 503, body
    assert "ECS service answers-service" in message and "does not run locally" in message


def test_an_http_api_follows_its_listener(private, moto_url) -> None:
    base = local_api_url(moto_url, private["HttpApi"], "$default").rsplit("/", 1)[0]
    status, answer = call_json(base + "/items/7")
    assert status == 201 and answer["path"] == "/items/7"
    status, _, body = call(base + "/ask", method="POST", body=b"{}")
    assert status == 503 and b"ECS service answers-service" in body


def endpoint_chain() -> dict:
    """A central API's link -> NLB -> the IPs of a VPC endpoint -> the endpoint service's NLB
    (the shape of a multi-account private backend), and an endpoint to a service not here."""
    def endpoint(service: dict) -> dict:
        return res("AWS::EC2::VPCEndpoint", VpcId=ref("Vpc"), VpcEndpointType="Interface",
                   ServiceName=service, SubnetIds=[ref("SubnetA"), ref("SubnetB")])
    return {
        "EndpointService": res("AWS::EC2::VPCEndpointService", AcceptanceRequired=False,
                               NetworkLoadBalancerArns=[ref("TaskNlb")]),
        "ToService": endpoint({"Fn::Sub": "com.amazonaws.vpce.${AWS::Region}.${EndpointService}"}),
        "ToNowhere": endpoint("com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0"),
        "ServiceTargets": group("ip", [], Protocol="TCP", Port=80, VpcId=ref("Vpc")),
        "NowhereTargets": group("ip", [], Protocol="TCP", Port=80, VpcId=ref("Vpc")),
        "FrontNlb": balancer("network"), "OtherNlb": balancer("network"),
        "FrontListener": listener("FrontNlb", 80, "ServiceTargets"),
        "OtherListener": listener("OtherNlb", 80, "NowhereTargets"),
        "FrontLink": res("AWS::ApiGateway::VpcLink", Name="front", TargetArns=[ref("FrontNlb")]),
        "OtherLink": res("AWS::ApiGateway::VpcLink", Name="other", TargetArns=[ref("OtherNlb")]),
        "Api": res("AWS::ApiGateway::RestApi", Name="central"),
        "Central": res("AWS::ApiGateway::Resource", RestApiId=ref("Api"), PathPart="api",
                       ParentId={"Fn::GetAtt": ["Api", "RootResourceId"]}),
        "Other": res("AWS::ApiGateway::Resource", RestApiId=ref("Api"), PathPart="other",
                     ParentId={"Fn::GetAtt": ["Api", "RootResourceId"]}),
        "CentralAny": private_method("Central", "ANY", "FrontLink", {
            "Fn::Sub": "http://${ToService}.execute-api.${AWS::Region}.amazonaws.com"}),
        "OtherAny": private_method("Other", "ANY", "OtherLink", {
            "Fn::Sub": "http://${ToNowhere}.execute-api.${AWS::Region}.amazonaws.com"}),
        "Deployment": {**res("AWS::ApiGateway::Deployment", RestApiId=ref("Api"),
                             StageName="prod"), "DependsOn": ["CentralAny", "OtherAny"]},
    }


def test_a_link_to_a_vpc_endpoints_addresses_follows_its_endpoint_service(
        stack, aws, moto_url, backend_port) -> None:
    parts = {k: v for k, v in network().items() if not k.startswith(("Alb", "Nlb", "Local"))}
    out = stack.create({"Resources": {**parts, **endpoint_chain()}, "Outputs": {
        "Api": {"Value": ref("Api")}, "ToService": {"Value": ref("ToService")},
        "ToNowhere": {"Value": ref("ToNowhere")}, "ServiceTargets": {"Value": ref(
            "ServiceTargets")}, "NowhereTargets": {"Value": ref("NowhereTargets")}}})
    ec2, elb = aws("ec2"), aws("elbv2")
    for endpoint, targets in (("ToService", "ServiceTargets"), ("ToNowhere", "NowhereTargets")):
        found = ec2.describe_vpc_endpoints(VpcEndpointIds=[out[endpoint]])["VpcEndpoints"][0]
        enis = ec2.describe_network_interfaces(NetworkInterfaceIds=found["NetworkInterfaceIds"])
        elb.register_targets(TargetGroupArn=out[targets], Targets=[
            {"Id": e["PrivateIpAddress"]} for e in enis["NetworkInterfaces"]])
    base = local_api_url(moto_url, out["Api"], "prod")
    status, _, body = call(base + "/api")
    assert status == 503 and b"ECS service answers-service" in body, body
    status, _, body = call(base + "/other")
    assert status == 503, body
    assert "vpce-svc-0123456789abcdef0, which is not on the local endpoint" in json.loads(
        body)["message"]


def cloud_map_api(uri: dict, route: str) -> dict:
    return {
        f"Api{route}": res("AWS::ApiGatewayV2::Api", Name=f"map-{route}", ProtocolType="HTTP"),
        f"Integration{route}": res(
            "AWS::ApiGatewayV2::Integration", ApiId=ref(f"Api{route}"),
            IntegrationType="HTTP_PROXY", IntegrationMethod="ANY", ConnectionType="VPC_LINK",
            ConnectionId="vpclink-1", IntegrationUri=uri, PayloadFormatVersion="1.0"),
        f"Route{route}": res("AWS::ApiGatewayV2::Route", ApiId=ref(f"Api{route}"),
                             RouteKey=f"GET /{route}/{{id}}",
                             Target={"Fn::Sub": f"integrations/${{Integration{route}}}"}),
        f"Stage{route}": res("AWS::ApiGatewayV2::Stage", ApiId=ref(f"Api{route}"),
                             StageName="$default", AutoDeploy=True),
    }


def test_an_http_api_follows_a_cloud_map_service(stack, aws, moto_url, backend_port) -> None:
    discovery = aws("servicediscovery")
    here = discovery.create_service(Name="here")["Service"]
    discovery.register_instance(ServiceId=here["Id"], InstanceId="one", Attributes={
        "AWS_INSTANCE_IPV4": "127.0.0.1", "AWS_INSTANCE_PORT": str(backend_port)})
    parts = {k: network()[k] for k in ("Vpc", "Cluster", "Task")}
    out = stack.create({"Resources": {
        **parts, "Registry": res("AWS::ServiceDiscovery::Service", Name="tasks"),
        "Service": res("AWS::ECS::Service", ServiceName="mapped-service", Cluster=ref("Cluster"),
                       TaskDefinition=ref("Task"), ServiceRegistries=[
                           {"RegistryArn": {"Fn::GetAtt": ["Registry", "Arn"]}}]),
        **cloud_map_api({"Fn::GetAtt": ["Registry", "Arn"]}, "tasks"),
        **cloud_map_api(here["Arn"], "here")}, "Outputs": {
            "Tasks": {"Value": ref("Apitasks")}, "Here": {"Value": ref("Apihere")}}})
    tasks = local_api_url(moto_url, out["Tasks"], "$default").rsplit("/", 1)[0]
    status, _, body = call(tasks + "/tasks/1")
    assert status == 503 and b"ECS service mapped-service registered in Cloud Map" in body, body
    status, answer = call_json(local_api_url(moto_url, out["Here"], "$default").rsplit(
        "/", 1)[0] + "/here/1")
    assert (status, answer["path"]) == (200, "/here/1")
