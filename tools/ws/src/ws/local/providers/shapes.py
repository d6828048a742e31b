"""How AWS shapes `Ref` and `Fn::GetAtt` of the types ws stands in for with placeholders.

One entry a type: "Ref" names the attribute (or "name"/"id") that `Ref` returns; the other
keys are attributes, written as templates over {arn} (arn:<partition>:<service>:<region>:
<account>:), {region}, {account}, {name} (the resource's name), {id} (a random id) and the
resource's own string properties ({ApiId}, {Name}...). A type not listed gets the generic
shape of `placeholder.generic_attribute`. From each type's "Return values" in the
CloudFormation User Guide.
"""
from __future__ import annotations

SHAPES: dict[str, dict[str, str]] = {
    "AWS::AppSync::DataSource": {
        "Ref": "DataSourceArn", "Name": "{name}",
        "DataSourceArn": "{arn}apis/{ApiId}/datasources/{name}"},
    "AWS::AppSync::Resolver": {
        "Ref": "ResolverArn", "TypeName": "{TypeName}", "FieldName": "{FieldName}",
        "ResolverArn": "{arn}apis/{ApiId}/types/{TypeName}/resolvers/{FieldName}"},
    "AWS::AppSync::FunctionConfiguration": {
        "Ref": "FunctionArn", "Name": "{name}", "FunctionId": "{id}",
        "DataSourceName": "{DataSourceName}", "FunctionArn": "{arn}apis/{ApiId}/functions/{id}"},
    "AWS::Lambda::EventSourceMapping": {  # from a source the endpoint cannot read
        "Ref": "Id", "Id": "{uuid}", "EventSourceMappingArn": "{arn}event-source-mapping:{uuid}"},
    "AWS::AmazonMQ::Broker": {"Ref": "Id", "Id": "b-{uuid}", "Arn": "{arn}broker:{name}:b-{uuid}"},
}

# Services whose ARN names another service than the type's namespace.
SERVICES = {"KinesisFirehose": "firehose", "CloudWatch": "cloudwatch", "Cognito": "cognito-idp",
            "AmazonMQ": "mq", "ApiGateway": "apigateway", "ApiGatewayV2": "apigateway",
            "OpenSearchService": "es", "Elasticsearch": "es", "StepFunctions": "states",
            "CertificateManager": "acm", "ElasticLoadBalancingV2": "elasticloadbalancing"}
