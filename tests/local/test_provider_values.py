"""Every provider's `Ref` and `GetAtt` have the shape AWS gives them, never an emulator object."""
from __future__ import annotations

import json
import re

import pytest
from botocore.exceptions import ClientError

from ws.local import providers
from ws.local.providers.shapes import SHAPES

ACCOUNT_REGION = r"us-east-1:123456789012"
ARN = r"arn:aws:{service}:" + ACCOUNT_REGION + r":{rest}$"
ID = r"^[A-Za-z0-9]{6,}$"
NAME = r"^[A-Za-z0-9._-]+$"
HTTPS = r"^https://[a-z0-9.-]+(/.*)?$"
ROLE = {"Fn::GetAtt": ["Role", "Arn"]}
API = {"Fn::GetAtt": ["Graph", "ApiId"]}
HTTP = {"Ref": "Http"}


def arn(service: str, rest: str) -> str:
    return ARN.format(service=service, rest=rest)


def res(kind: str, **props) -> dict:
    return {"Type": kind, "Properties": props}


RESOURCES = {
    "Role": res("AWS::IAM::Role", AssumeRolePolicyDocument={"Statement": []}),
    "Fn": res("AWS::Lambda::Function", Runtime="python3.11", Handler="index.handler",
              Role=ROLE, Code={"ZipFile": "def handler(e, c):\n    return e\n"}),
    "FnVersion": res("AWS::Lambda::Version", FunctionName={"Ref": "Fn"}),
    "FnAlias": res("AWS::Lambda::Alias", FunctionName={"Ref": "Fn"}, Name="live",
                   FunctionVersion={"Fn::GetAtt": ["FnVersion", "Version"]}),
    "FnUrl": res("AWS::Lambda::Url", TargetFunctionArn={"Ref": "FnAlias"},  # SAM's shape
                 AuthType="NONE"),
    "FnInvoke": res("AWS::Lambda::EventInvokeConfig", FunctionName={"Ref": "Fn"},
                    Qualifier="$LATEST", MaximumRetryAttempts=0),
    "Layer": res("AWS::Lambda::LayerVersion", Content={"S3Bucket": "code", "S3Key": "l.zip"}),
    "Bus": res("AWS::Events::EventBus", Name="orders"),
    "BusRule": res("AWS::Events::Rule", EventBusName={"Ref": "Bus"},
                   EventPattern={"source": ["store"]}),
    "OrdersEventArchiveWithAVeryLongLogicalName": res(
        "AWS::Events::Archive", SourceArn={"Fn::GetAtt": ["Bus", "Arn"]}),
    "Queue": res("AWS::SQS::Queue"),
    "QueuePolicy": res("AWS::SQS::QueuePolicy", Queues=[{"Ref": "Queue"}],
                       PolicyDocument={"Statement": [{"Effect": "Allow", "Principal": "*",
                                                      "Action": "sqs:SendMessage"}]}),
    "Topic": res("AWS::SNS::Topic"),
    "TopicPolicy": res("AWS::SNS::TopicPolicy", Topics=[{"Ref": "Topic"}],
                       PolicyDocument={"Statement": []}),
    "Sub": res("AWS::SNS::Subscription", TopicArn={"Ref": "Topic"}, Protocol="sqs",
               Endpoint={"Fn::GetAtt": ["Queue", "Arn"]}, RawMessageDelivery=True),
    "Group": res("AWS::Scheduler::ScheduleGroup"),
    "Schedule": res("AWS::Scheduler::Schedule", GroupName={"Ref": "Group"},
                    ScheduleExpression="rate(5 minutes)", FlexibleTimeWindow={"Mode": "OFF"},
                    Target={"Arn": {"Fn::GetAtt": ["Fn", "Arn"]}, "RoleArn": ROLE}),
    "Graph": res("AWS::AppSync::GraphQLApi", Name="store", AuthenticationType="API_KEY"),
    "Schema": res("AWS::AppSync::GraphQLSchema", ApiId=API,
                  Definition="type Query { hello: String }"),
    "GraphKey": res("AWS::AppSync::ApiKey", ApiId=API),
    "Source": res("AWS::AppSync::DataSource", ApiId=API, Name="orders", Type="NONE"),
    "Resolver": res("AWS::AppSync::Resolver", ApiId=API, TypeName="Query", FieldName="hello",
                    DataSourceName={"Fn::GetAtt": ["Source", "Name"]}),
    "GraphFn": res("AWS::AppSync::FunctionConfiguration", ApiId=API, Name="lookup",
                   DataSourceName="orders", FunctionVersion="2018-05-29"),
    "Http": res("AWS::ApiGatewayV2::Api", Name="store-http", ProtocolType="HTTP"),
    "HttpStage": res("AWS::ApiGatewayV2::Stage", ApiId=HTTP, StageName="$default",
                     AutoDeploy=True),
    "HttpIntegration": res("AWS::ApiGatewayV2::Integration", ApiId=HTTP,
                           IntegrationType="AWS_PROXY", PayloadFormatVersion="2.0",
                           IntegrationUri={"Fn::GetAtt": ["Fn", "Arn"]}),
    "HttpAuth": res("AWS::ApiGatewayV2::Authorizer", ApiId=HTTP, Name="jwt",
                    AuthorizerType="JWT", IdentitySource=["$request.header.Authorization"],
                    JwtConfiguration={"Audience": ["a"], "Issuer": "https://issuer"}),
    "HttpRoute": res("AWS::ApiGatewayV2::Route", ApiId=HTTP, RouteKey="GET /orders",
                     Target={"Fn::Sub": "integrations/${HttpIntegration}"}),
    "HttpDeployment": res("AWS::ApiGatewayV2::Deployment", ApiId=HTTP),
    "RouteReply": res("AWS::ApiGatewayV2::RouteResponse", ApiId=HTTP,
                      RouteId={"Ref": "HttpRoute"}, RouteResponseKey="$default"),
    "IntegrationReply": res("AWS::ApiGatewayV2::IntegrationResponse", ApiId=HTTP,
                            IntegrationId={"Ref": "HttpIntegration"},
                            IntegrationResponseKey="$default"),
    "Machine": res("AWS::StepFunctions::StateMachine", RoleArn=ROLE,
                   DefinitionString='{"StartAt": "A", "States": {"A": {"Type": "Pass", '
                                    '"End": true}}}'),
    "Key": res("AWS::KMS::Key", KeyPolicy={"Statement": []}),
    "Files": res("AWS::EFS::FileSystem"),
    "FilesAccess": res("AWS::EFS::AccessPoint", FileSystemId={"Ref": "Files"}),
    "FnPermission": res("AWS::Lambda::Permission", FunctionName={"Ref": "Fn"},
                        Action="lambda:InvokeFunction", Principal="s3.amazonaws.com"),
    "Conn": res("AWS::Events::Connection", AuthorizationType="API_KEY", AuthParameters={
        "ApiKeyAuthParameters": {"ApiKeyName": "x-key", "ApiKeyValue": "k"}}),
    "Dest": res("AWS::Events::ApiDestination", ConnectionArn={"Fn::GetAtt": ["Conn", "Arn"]},
                InvocationEndpoint="https://example.com/hook", HttpMethod="POST"),
    "Rest": res("AWS::ApiGateway::RestApi", Name="rest"),
    "RestModel": res("AWS::ApiGateway::Model", RestApiId={"Ref": "Rest"}, Name="Order",
                     ContentType="application/json", Schema={"type": "object"}),
    "RestValidator": res("AWS::ApiGateway::RequestValidator", RestApiId={"Ref": "Rest"},
                         ValidateRequestBody=True),
    "Domain": res("AWS::ApiGateway::DomainName", DomainName="api.example.com",
                  CertificateArn="arn:aws:acm:us-east-1:123456789012:certificate/abc"),
    "Mapping": res("AWS::ApiGateway::BasePathMapping", DomainName={"Ref": "Domain"},
                   RestApiId={"Ref": "Rest"}, BasePath="v1"),
    "Pol": res("AWS::IAM::Policy", PolicyName="p", Roles=[{"Ref": "Role"}],
               PolicyDocument={"Version": "2012-10-17", "Statement": [
                   {"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}),
    "MPol": res("AWS::IAM::ManagedPolicy", PolicyDocument={"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}),
    "Table": res("AWS::DynamoDB::Table", BillingMode="PAY_PER_REQUEST",
                 AttributeDefinitions=[{"AttributeName": "k", "AttributeType": "S"}],
                 KeySchema=[{"AttributeName": "k", "KeyType": "HASH"}],
                 StreamSpecification={"StreamViewType": "NEW_IMAGE"}),
    "Bucket": res("AWS::S3::Bucket"),
    "Zone": res("AWS::Route53::HostedZone", Name="store.example.com"),
    "Record": res("AWS::Route53::RecordSet", HostedZoneId={"Ref": "Zone"}, Type="A", TTL="60",
                  Name="www.store.example.com", ResourceRecords=["10.0.0.1"]),
    "Records": {**res("AWS::Route53::RecordSetGroup", HostedZoneName="store.example.com.",
                      RecordSets=[{"Name": "api.store.example.com", "Type": "A", "TTL": "60",
                                   "ResourceRecords": ["10.0.0.2"]}]), "DependsOn": "Zone"},
    "Param": res("AWS::SSM::Parameter", Name="/store/x", Type="String", Value="v"),
    "Stream": res("AWS::Kinesis::Stream", ShardCount=1),
    "Mapping2": res("AWS::Lambda::EventSourceMapping", FunctionName={"Ref": "Fn"},
                    EventSourceArn={"Fn::GetAtt": ["Queue", "Arn"]}),
    "Alarm": res("AWS::CloudWatch::Alarm", MetricName="Errors", Namespace="AWS/Lambda",
                 ComparisonOperator="GreaterThanThreshold", EvaluationPeriods=1, Period=60,
                 Threshold=1, Statistic="Sum", Dimensions=[{"Name": "FunctionName",
                                                            "Value": {"Ref": "Fn"}}]),
    "Cert": res("AWS::CertificateManager::Certificate", DomainName="www.example.com"),
    "Secret": res("AWS::SecretsManager::Secret", GenerateSecretString={
        "SecretStringTemplate": '{"user": "app"}', "GenerateStringKey": "password"}),
    "Pool": res("AWS::Cognito::UserPool", UserPoolName="users"),
    "PoolGroup": res("AWS::Cognito::UserPoolGroup", UserPoolId={"Ref": "Pool"}),
    "PoolDomain": res("AWS::Cognito::UserPoolDomain", UserPoolId={"Ref": "Pool"},
                      Domain="store-login"),
    "RestKey": res("AWS::ApiGateway::ApiKey", Enabled=True),
    "Plan": res("AWS::ApiGateway::UsagePlan", Quota={"Limit": 100, "Period": "DAY"}),
    "PlanKey": res("AWS::ApiGateway::UsagePlanKey", KeyId={"Ref": "RestKey"}, KeyType="API_KEY",
                   UsagePlanId={"Ref": "Plan"}),
    "Logs": res("AWS::Logs::LogGroup", LogGroupName="/store/orders"),
    "LogStream": res("AWS::Logs::LogStream", LogGroupName={"Ref": "Logs"}),
    "LogFilter": res("AWS::Logs::SubscriptionFilter", LogGroupName={"Ref": "Logs"},
                     FilterPattern="", DestinationArn={"Fn::GetAtt": ["Fn", "Arn"]}),
    "Broker": res("AWS::AmazonMQ::Broker", BrokerName="orders-mq", EngineType="RABBITMQ"),
    "Firehose": res("AWS::KinesisFirehose::DeliveryStream", S3DestinationConfiguration={
        "BucketARN": "arn:aws:s3:::code", "RoleARN": ROLE}),
    "Pipe": res("AWS::Pipes::Pipe", Source={"Fn::GetAtt": ["Queue", "Arn"]},
                Target={"Fn::GetAtt": ["Fn", "Arn"]}, RoleArn=ROLE),
    "Search": res("AWS::OpenSearchService::Domain"),
    "Identities": res("AWS::Cognito::IdentityPool", AllowUnauthenticatedIdentities=False),
    "Vpc": res("AWS::EC2::VPC", CidrBlock="10.0.0.0/16"),
    "Subnet": res("AWS::EC2::Subnet", VpcId={"Ref": "Vpc"}, CidrBlock="10.0.1.0/24",
                  AvailabilityZone="us-east-1a"),
    "Nlb": res("AWS::ElasticLoadBalancingV2::LoadBalancer", Type="network",
               Subnets=[{"Ref": "Subnet"}]),
    "Vpce": res("AWS::EC2::VPCEndpoint", VpcId={"Ref": "Vpc"}, VpcEndpointType="Interface",
                ServiceName="com.amazonaws.us-east-1.execute-api", SubnetIds=[{"Ref": "Subnet"}]),
    "EndpointService": res("AWS::EC2::VPCEndpointService",
                           NetworkLoadBalancerArns=[{"Ref": "Nlb"}]),
    "Targets": res("AWS::ElasticLoadBalancingV2::TargetGroup", Port=80, Protocol="TCP",
                   TargetType="ip", VpcId={"Ref": "Vpc"}, Targets=[{"Id": "10.0.1.9"}]),
    "Cluster": res("AWS::ECS::Cluster"),
    "Task": res("AWS::ECS::TaskDefinition", Family="app", ContainerDefinitions=[
        {"Name": "app", "Image": "example/app", "Memory": 512}]),
    "Tasks": res("AWS::ECS::Service", Cluster={"Ref": "Cluster"}, TaskDefinition={"Ref": "Task"},
                 LoadBalancers=[{"ContainerName": "app", "ContainerPort": 80,
                                 "TargetGroupArn": {"Ref": "Targets"}}]),
    "Link": res("AWS::ApiGateway::VpcLink", Name="link", TargetArns=[{"Ref": "Nlb"}]),
    "HttpLink": res("AWS::ApiGatewayV2::VpcLink", Name="http-link",
                    SubnetIds=[{"Ref": "Subnet"}]),
}

# (logical id, attribute or "Ref") -> the shape AWS gives it.
SHAPE = {
    ("FnVersion", "Ref"): arn("lambda", r"function:[\w-]+:1"),
    ("FnVersion", "FunctionArn"): arn("lambda", r"function:[\w-]+:1"),
    ("FnVersion", "Version"): r"^1$",
    ("FnAlias", "Ref"): arn("lambda", r"function:[\w-]+:live"),
    ("FnAlias", "AliasArn"): arn("lambda", r"function:[\w-]+:live"),
    ("FnUrl", "Ref"): arn("lambda", r"function:[\w-]+:live"),
    ("FnUrl", "FunctionArn"): arn("lambda", r"function:[\w-]+:live"),
    ("FnUrl", "FunctionUrl"): r"^https://[a-z0-9]+\.lambda-url\.us-east-1\.on\.aws/$",
    ("FnInvoke", "Ref"): r"^[\w-]+\|\$LATEST$",
    ("Layer", "Ref"): arn("lambda", r"layer:[\w-]+:1"),
    ("Layer", "LayerVersionArn"): arn("lambda", r"layer:[\w-]+:1"),
    ("Bus", "Ref"): r"^orders$", ("Bus", "Name"): r"^orders$",
    ("Bus", "Arn"): arn("events", "event-bus/orders"), ("Bus", "Policy"): r"^(\{.*)?$",
    ("OrdersEventArchiveWithAVeryLongLogicalName", "Ref"): r"^[\w-]{1,48}$",
    ("OrdersEventArchiveWithAVeryLongLogicalName", "Arn"): arn("events", r"archive/[\w-]{1,48}"),
    ("QueuePolicy", "Ref"): ID, ("QueuePolicy", "Id"): ID,
    ("TopicPolicy", "Ref"): ID, ("TopicPolicy", "Id"): ID,
    ("Sub", "Ref"): arn("sns", r"[\w-]+:[\w-]+"), ("Sub", "Arn"): arn("sns", r"[\w-]+:[\w-]+"),
    ("Group", "Ref"): NAME, ("Group", "Arn"): arn("scheduler", r"schedule-group/[\w-]+"),
    ("Group", "State"): "^ACTIVE$", ("Group", "CreationDate"): r"^\d{4}-\d\d-\d\dT",
    ("Group", "LastModificationDate"): r"^\d{4}-\d\d-\d\dT",
    ("Schedule", "Ref"): NAME, ("Schedule", "Arn"): arn("scheduler", r"schedule/[\w-]+/[\w-]+"),
    ("Graph", "Ref"): arn("appsync", r"apis/[\w-]+"),
    ("Graph", "Arn"): arn("appsync", r"apis/[\w-]+"), ("Graph", "ApiId"): r"^[\w-]+$",
    ("Graph", "GraphQLEndpointArn"): arn("appsync", r"apis/[\w-]+"),
    ("Graph", "GraphQLUrl"): r"^https://[\w-]+\.appsync-api\.us-east-1\.amazonaws\.com/graphql$",
    ("Graph", "GraphQLDns"): r"^[\w-]+\.appsync-api\.us-east-1\.amazonaws\.com$",
    ("Graph", "RealtimeDns"): r"^[\w-]+\.appsync-realtime-api\.us-east-1\.amazonaws\.com$",
    ("Graph", "RealtimeUrl"):
        r"^wss://[\w-]+\.appsync-realtime-api\.us-east-1\.amazonaws\.com/graphql$",
    ("Schema", "Ref"): r"^[\w-]+GraphQLSchema$",
    ("GraphKey", "Ref"): arn("appsync", r"apis/[\w-]+/apikeys/\w+"),
    ("GraphKey", "Arn"): arn("appsync", r"apis/[\w-]+/apikeys/\w+"),
    ("GraphKey", "ApiKey"): r"^\w+$", ("GraphKey", "ApiKeyId"): r"^\w+$",
    ("Source", "Ref"): arn("appsync", r"apis/[\w-]+/datasources/orders"),
    ("Source", "DataSourceArn"): arn("appsync", r"apis/[\w-]+/datasources/orders"),
    ("Source", "Name"): "^orders$",
    ("Resolver", "Ref"): arn("appsync", r"apis/[\w-]+/types/Query/resolvers/hello"),
    ("Resolver", "ResolverArn"): arn("appsync", r"apis/[\w-]+/types/Query/resolvers/hello"),
    ("Resolver", "TypeName"): "^Query$", ("Resolver", "FieldName"): "^hello$",
    ("GraphFn", "Ref"): arn("appsync", r"apis/[\w-]+/functions/\w+"),
    ("GraphFn", "FunctionArn"): arn("appsync", r"apis/[\w-]+/functions/\w+"),
    ("GraphFn", "FunctionId"): ID, ("GraphFn", "Name"): "^lookup$",
    ("GraphFn", "DataSourceName"): "^orders$",
    ("Http", "Ref"): r"^[a-z0-9]{8,10}$", ("Http", "ApiId"): r"^[a-z0-9]{8,10}$",
    ("Http", "ApiEndpoint"): r"^https://[a-z0-9]+\.execute-api\.us-east-1\.amazonaws\.com$",
    ("HttpStage", "Ref"): r"^\$default$",
    ("HttpIntegration", "Ref"): ID, ("HttpIntegration", "IntegrationId"): ID,
    ("HttpAuth", "Ref"): ID, ("HttpAuth", "AuthorizerId"): ID,
    ("HttpRoute", "Ref"): ID, ("HttpRoute", "RouteId"): ID,
    ("HttpDeployment", "Ref"): ID, ("HttpDeployment", "DeploymentId"): ID,
    ("RouteReply", "Ref"): ID, ("RouteReply", "RouteResponseId"): ID,
    ("IntegrationReply", "Ref"): ID, ("IntegrationReply", "IntegrationResponseId"): ID,
    ("Machine", "Ref"): arn("states", r"stateMachine:[\w-]+"),
    ("Machine", "Arn"): arn("states", r"stateMachine:[\w-]+"), ("Machine", "Name"): NAME,
    ("Machine", "StateMachineRevisionId"): r"^\S+$",
    ("Queue", "Ref"): r"^https://sqs\.us-east-1\.amazonaws\.com/123456789012/[\w-]+$",
    ("Queue", "QueueUrl"): r"^https://sqs\.us-east-1\.amazonaws\.com/123456789012/[\w-]+$",
    ("Queue", "Arn"): arn("sqs", r"[\w-]+"), ("Queue", "QueueName"): NAME,
    ("Topic", "Ref"): arn("sns", r"[\w-]+"), ("Topic", "TopicArn"): arn("sns", r"[\w-]+"),
    ("Topic", "TopicName"): NAME,
    ("Key", "Ref"): r"^[0-9a-f-]{32,36}$", ("Key", "KeyId"): r"^[0-9a-f-]{32,36}$",
    ("Key", "Arn"): arn("kms", r"key/[0-9a-f-]{32,36}"),
    ("Files", "Ref"): r"^fs-[0-9a-f]+$", ("Files", "FileSystemId"): r"^fs-[0-9a-f]+$",
    ("Files", "Arn"): arn("elasticfilesystem", r"file-system/fs-[0-9a-f]+"),
    ("FilesAccess", "Ref"): r"^fsap-[0-9a-f]+$",
    ("FilesAccess", "AccessPointId"): r"^fsap-[0-9a-f]+$",
    ("FilesAccess", "Arn"): arn("elasticfilesystem", r"access-point/fsap-[0-9a-f]+"),
    ("FnPermission", "Ref"): r"^\w+$",
    ("Conn", "Ref"): NAME, ("Conn", "Arn"): arn("events", r"connection/[\w-]+/[0-9a-f-]{36}"),
    ("Conn", "ArnForPolicy"): arn("events", r"connection/[\w-]+/[0-9a-f-]{36}"),
    ("Conn", "SecretArn"): arn("secretsmanager", r"secret:events!connection/[\w-]+/\S+"),
    ("Dest", "Ref"): NAME, ("Dest", "Arn"): arn("events", r"api-destination/[\w-]+/[0-9a-f-]{36}"),
    ("Dest", "ArnForPolicy"): arn("events", r"api-destination/[\w-]+/[0-9a-f-]{36}"),
    ("RestModel", "Ref"): "^Order$", ("RestValidator", "Ref"): ID,
    ("RestValidator", "RequestValidatorId"): ID, ("Domain", "Ref"): r"^api\.example\.com$",
    ("Domain", "DistributionDomainName"): r"^d[a-z0-9]+\.cloudfront\.net$",
    ("Domain", "DistributionHostedZoneId"): r"^Z[A-Z0-9]+$",
    ("Domain", "RegionalDomainName"): r"^d-[a-z0-9]+\.execute-api\.us-east-1\.amazonaws\.com$",
    ("Domain", "RegionalHostedZoneId"): r"^Z[A-Z0-9]+$", ("Mapping", "Ref"): r"^\S+$",
    ("Pipe", "CreationTime"): r"^\d{4}-", ("Pipe", "LastModifiedTime"): r"^\d{4}-",
    ("Pipe", "StateReason"): r"^$",
    ("Role", "Ref"): NAME, ("Role", "Arn"): r"^arn:aws:iam::123456789012:role/[\w-]+$",
    ("Role", "RoleId"): r"^AROA[A-Z0-9]+$", ("Fn", "Ref"): NAME,
    ("Fn", "Arn"): arn("lambda", r"function:[\w-]+"), ("Pol", "Ref"): r"^[\w-]+$",
    ("MPol", "Ref"): r"^arn:aws:iam::123456789012:policy/[\w-]+$",
    ("Table", "Ref"): NAME, ("Table", "Arn"): arn("dynamodb", r"table/[\w-]+"),
    ("Table", "StreamArn"): arn("dynamodb", r"table/[\w-]+/stream/\S+"),
    ("Bucket", "Ref"): r"^[a-z0-9.-]{3,63}$", ("Bucket", "Arn"): r"^arn:aws:s3:::[a-z0-9.-]+$",
    ("Bucket", "DomainName"): r"^[a-z0-9.-]+\.s3\.amazonaws\.com$",
    ("Bucket", "RegionalDomainName"): r"^[a-z0-9.-]+\.s3\.us-east-1\.amazonaws\.com$",
    ("Param", "Ref"): "^/store/x$", ("Param", "Value"): "^v$", ("Param", "Type"): "^String$",
    ("MPol", "PolicyArn"): r"^arn:aws:iam::123456789012:policy/[\w-]+$",
    ("MPol", "PolicyId"): r"^[A-Z0-9]+$", ("Mapping2", "Id"): r"^[0-9a-f-]{36}$",
    ("Mapping2", "EventSourceMappingArn"): arn("lambda", r"event-source-mapping:[0-9a-f-]{36}"),
    ("Zone", "Id"): r"^[A-Z0-9]+$", ("Zone", "Ref"): r"^(/hostedzone/)?[A-Z0-9]+$",
    ("Zone", "NameServers"): r"^ns-\S+(,ns-\S+)*$",
    ("Record", "Ref"): r"^www\.store\.example\.com\.?$", ("Records", "Ref"): r"^\S+$",
    ("Stream", "Ref"): NAME, ("Stream", "Arn"): arn("kinesis", r"stream/[\w-]+"),
    ("Mapping2", "Ref"): r"^[0-9a-f-]{36}$", ("BusRule", "Ref"): r"^orders\|[A-Za-z0-9._-]+$",
    ("BusRule", "Arn"): arn("events", r"rule/orders/[\w-]+"),
    ("Logs", "Ref"): "^/store/orders$",
    ("Logs", "Arn"): arn("logs", r"log-group:/store/orders(:\*)?"),
    ("Alarm", "Ref"): NAME, ("Alarm", "Arn"): arn("cloudwatch", r"alarm:[\w-]+"),
    ("Cert", "Ref"): arn("acm", r"certificate/[0-9a-f-]{36}"),
    ("Cert", "CertificateArn"): arn("acm", r"certificate/[0-9a-f-]{36}"),
    ("Secret", "Ref"): arn("secretsmanager", r"secret:Secret-[A-Za-z0-9]{12}-[A-Za-z0-9]{6}"),
    ("Secret", "Id"): arn("secretsmanager", r"secret:Secret-[A-Za-z0-9]{12}-[A-Za-z0-9]{6}"),
    ("PoolGroup", "Ref"): NAME, ("PoolDomain", "Ref"): "^store-login$",
    ("PoolDomain", "CloudFrontDistribution"):  # as DescribeUserPoolDomain says
        r"^[a-z0-9]+\.(cloudfront\.net|amazoncognito\.com)$",
    ("RestKey", "Ref"): ID, ("RestKey", "APIKeyId"): ID, ("Plan", "Ref"): ID, ("Plan", "Id"): ID,
    ("PlanKey", "Ref"): r"^\w+:\w+$", ("PlanKey", "Id"): r"^\w+:\w+$",
    ("LogStream", "Ref"): NAME, ("LogFilter", "Ref"): NAME,
    ("Broker", "Ref"): r"^b-[0-9a-f-]{36}$", ("Broker", "Id"): r"^b-[0-9a-f-]{36}$",
    ("Broker", "Arn"): arn("mq", r"broker:orders-mq:b-[\w-]+"),
    ("Firehose", "Ref"): NAME, ("Firehose", "Arn"): arn("firehose", r"deliverystream/[\w-]+"),
    ("Pipe", "Ref"): NAME, ("Pipe", "Arn"): arn("pipes", r"pipe/[\w-]+"),
    ("Pipe", "CurrentState"): "^RUNNING$",
    ("Search", "Ref"): NAME, ("Search", "Arn"): arn("es", r"domain/[\w-]+"),
    ("Search", "DomainEndpoint"): r"^[a-z0-9]+\.es\.us-east-1\.amazonaws\.com$",
    ("Search", "DomainArn"): arn("es", r"domain/[\w-]+"), ("Search", "Id"): ID,
    ("Identities", "Ref"): r"^us-east-1:[0-9a-f-]{36}$",
    ("Identities", "Id"): r"^us-east-1:[0-9a-f-]{36}$", ("Identities", "Name"): NAME,
    ("Nlb", "Ref"): arn("elasticloadbalancing", r"loadbalancer/net/[\w-]{1,32}/[0-9a-f]{16}"),
    ("Nlb", "LoadBalancerArn"): arn("elasticloadbalancing", r"loadbalancer/net/[\w-]+/\w+"),
    ("Nlb", "LoadBalancerFullName"): r"^net/[\w-]{1,32}/[0-9a-f]{16}$",
    ("Nlb", "CanonicalHostedZoneID"): r"^Z[A-Z0-9]+$", ("Nlb", "SecurityGroups"): r"^$",
    ("Vpce", "Ref"): r"^vpce-[0-9a-f]+$", ("Vpce", "Id"): r"^vpce-[0-9a-f]+$",
    ("Vpce", "NetworkInterfaceIds"): r"^eni-[0-9a-f]+$",
    ("Vpce", "DnsEntries"): r"^Z[A-Z0-9]+:vpce-[0-9a-f]+-\w+\.execute-api\.us-east-1\.vpce\.",
    ("Vpce", "CreationTimestamp"): r"^\d{4}-\d\d-\d\dT",
    ("EndpointService", "Ref"): r"^vpce-svc-[0-9a-f]+$",
    ("EndpointService", "ServiceId"): r"^vpce-svc-[0-9a-f]+$",
    ("Targets", "Ref"): arn("elasticloadbalancing", r"targetgroup/[\w-]{1,32}/[0-9a-f]{16}"),
    ("Targets", "TargetGroupArn"): arn("elasticloadbalancing", r"targetgroup/[\w-]+/\w+"),
    ("Targets", "TargetGroupName"): r"^[\w-]{1,32}$",
    ("Targets", "TargetGroupFullName"): r"^targetgroup/[\w-]{1,32}/[0-9a-f]{16}$",
    ("Targets", "LoadBalancerArns"): r"^$",
    ("Tasks", "Ref"): arn("ecs", r"service/[\w-]+(/[\w-]+)?"),
    ("Link", "Ref"): ID, ("Link", "VpcLinkId"): ID,
    ("HttpLink", "Ref"): r"^[a-z0-9]{8}$", ("HttpLink", "VpcLinkId"): r"^[a-z0-9]{8}$",
}
EMULATOR_TEXT = re.compile(r"<?moto\.|object at 0x")


# attributes that are lists: an output joins them
LISTS = {"NameServers", "SecurityGroups", "NetworkInterfaceIds", "DnsEntries",
         "LoadBalancerArns"}


def _outputs() -> dict:
    def value(logical: str, attr: str) -> dict:
        if attr == "Ref":
            return {"Ref": logical}
        got = {"Fn::GetAtt": [logical, attr]}
        return {"Fn::Join": [",", got]} if attr in LISTS else got
    return {f"{logical}{attr}": {"Value": value(logical, attr)} for logical, attr in SHAPE}


def test_every_new_provider_and_shape_is_covered():
    """A provider or placeholder shape added without a line here fails this test."""
    kinds = {r["Type"] for r in RESOURCES.values()}
    tested = {(RESOURCES[logical]["Type"], attr) for logical, attr in SHAPE}
    for provider in providers.PROVIDERS[11:]:  # the first eleven have their own test files
        assert provider.TYPE in kinds
        attrs = provider.ATTRS + tuple(getattr(provider, "EXTRA", ())) + ("Ref",)
        assert {(provider.TYPE, a) for a in attrs} <= tested, provider.TYPE
    for kind, shape in SHAPES.items():
        if kind in kinds:
            assert {(kind, a) for a in shape} - {(kind, "Ref")} <= tested, kind


def test_every_type_the_endpoint_creates_has_a_ref_of_its_own():
    """moto gives Ref the object itself when its model has no physical_resource_id."""
    from moto.cloudformation import parsing
    providers.register()
    assert [kind for kind, model in parsing.get_model_map().items()
            if not hasattr(model, "physical_resource_id") and "::SERVICE::" not in kind] == []


def test_ref_and_getatt_have_aws_shapes(stack, aws):
    aws("s3").create_bucket(Bucket="code")
    aws("s3").put_object(Bucket="code", Key="l.zip", Body=b"PK\x05\x06" + b"\0" * 18)
    stack.name = "a-stack-name-long-enough-to-overflow-generated-names"
    out = stack.create({"Resources": RESOURCES, "Outputs": _outputs()})
    wrong = {key: out.get(f"{key[0]}{key[1]}") for key, shape in SHAPE.items()
             if not re.search(shape, out.get(f"{key[0]}{key[1]}") or "")}
    assert not wrong
    assert not [v for v in out.values() if EMULATOR_TEXT.search(v)]



def test_service_apis_see_what_the_stack_made_and_not_after_delete(stack, aws):
    aws("s3").create_bucket(Bucket="code")
    aws("s3").put_object(Bucket="code", Key="l.zip", Body=b"PK\x05\x06" + b"\0" * 18)
    out = stack.create({"Resources": RESOURCES, "Outputs": _outputs()})
    fn = out["FnUrlFunctionArn"].split(":")[6]
    assert aws("lambda").get_alias(FunctionName=fn, Name="live")["FunctionVersion"] == "1"
    assert aws("lambda").get_function_url_config(FunctionName=fn)["FunctionUrl"]
    queue = aws("sqs").get_queue_attributes(QueueUrl=out["QueueRef"], AttributeNames=["Policy"])
    assert "sqs:SendMessage" in queue["Attributes"]["Policy"]
    [sub] = aws("sns").list_subscriptions_by_topic(TopicArn=out["TopicRef"])["Subscriptions"]
    assert sub["Endpoint"] == out["QueueArn"]
    assert aws("scheduler").get_schedule(Name=out["ScheduleRef"], GroupName=out["GroupRef"])
    assert aws("appsync").get_graphql_api(apiId=out["GraphApiId"])["graphqlApi"]["name"] == "store"
    routes = aws("apigatewayv2").get_routes(ApiId=out["HttpRef"])["Items"]
    assert [r["RouteKey"] for r in routes] == ["GET /orders"]
    secret = json.loads(aws("secretsmanager").get_secret_value(SecretId=out["SecretRef"])[
        "SecretString"])
    assert secret["user"] == "app" and len(secret["password"]) == 32
    assert aws("cloudwatch").describe_alarms(AlarmNames=[out["AlarmRef"]])["MetricAlarms"]
    assert aws("firehose").describe_delivery_stream(DeliveryStreamName=out["FirehoseRef"])
    assert aws("logs").describe_subscription_filters(logGroupName="/store/orders")[
        "subscriptionFilters"][0]["filterName"] == out["LogFilterRef"]
    assert aws("cognito-identity").describe_identity_pool(IdentityPoolId=out["IdentitiesRef"])
    assert aws("apigateway").get_usage_plan_keys(usagePlanId=out["PlanRef"])["items"]
    assert aws("events").describe_archive(
        ArchiveName=out["OrdersEventArchiveWithAVeryLongLogicalNameRef"])
    stack.delete()
    assert aws("appsync").list_graphql_apis()["graphqlApis"] == []
    assert aws("apigatewayv2").get_apis()["Items"] == []
    assert aws("secretsmanager").list_secrets()["SecretList"] == []
    assert aws("cloudwatch").describe_alarms()["MetricAlarms"] == []
    assert aws("events").list_archives()["Archives"] == []
    assert aws("sns").list_subscriptions()["Subscriptions"] == []
    assert aws("route53").list_hosted_zones()["HostedZones"] == []


def test_an_attribute_the_endpoint_cannot_give_is_refused_not_dropped(stack):
    """moto answered a GetAtt its model lacks by leaving out *every* output of the stack."""
    template = {"Resources": {"Gateway": res("AWS::EC2::InternetGateway"),
                              "Queue": res("AWS::SQS::Queue")},
                "Outputs": {"Queue": {"Value": {"Ref": "Queue"}},
                            "Gateway": {"Value": {"Fn::GetAtt": ["Gateway", "Missing"]}}}}
    with pytest.raises(ClientError, match="Gateway.*Missing|Missing.*Gateway"):
        stack.create(template)


def test_stack_resources_list_every_provider_and_placeholder(stack, aws):
    """ListStackResources and DescribeStackResource read ws's resources as moto's own."""
    aws("s3").create_bucket(Bucket="code")
    aws("s3").put_object(Bucket="code", Key="l.zip", Body=b"PK\x05\x06" + b"\0" * 18)
    out = stack.create({"Resources": RESOURCES, "Outputs": _outputs()})
    cfn = aws("cloudformation")
    listed = {r["LogicalResourceId"]: r for r in cfn.list_stack_resources(
        StackName=stack.name)["StackResourceSummaries"]}
    assert set(listed) == set(RESOURCES)
    assert {r["ResourceType"] for r in listed.values()} == {r["Type"] for r in RESOURCES.values()}
    assert listed["Queue"]["PhysicalResourceId"] == out["QueueRef"]
    assert listed["Broker"]["PhysicalResourceId"] == out["BrokerRef"]
    found = cfn.describe_stack_resource(StackName=stack.name, LogicalResourceId="Graph")
    assert found["StackResourceDetail"]["PhysicalResourceId"] == out["GraphRef"]
