"""How AWS shapes `Ref` and `Fn::GetAtt` of the types ws stands in for with placeholders.

One entry a type: "Ref" names the attribute (or "name"/"id") that `Ref` returns, or is a
template itself; the other keys are attributes, written as templates over {arn} (arn:
<partition>:<service>:<region>:<account>:), {region}, {account}, {name} (the resource's name),
{id}, {id16} (random ids), {uuid} and the resource's own string properties ({ApiId}, {Name}...).
A type not listed gets the generic shape of `placeholder.generic_attribute`. From each type's
"Return values" in the CloudFormation User Guide; ids as the service's API checks them
(botocore's shapes).
"""
from __future__ import annotations

SSO_APPLICATION = "arn:aws:sso::{account}:application/ssoins-{id16}/apl-{id16}"

SHAPES: dict[str, dict[str, str]] = {
    "AWS::AppSync::FunctionConfiguration": {
        "Ref": "FunctionArn", "Name": "{name}", "FunctionId": "{id}",
        "DataSourceName": "{DataSourceName}", "FunctionArn": "{arn}apis/{ApiId}/functions/{id}"},
    "AWS::Lambda::EventSourceMapping": {  # from a source the endpoint cannot read
        "Ref": "Id", "Id": "{uuid}", "EventSourceMappingArn": "{arn}event-source-mapping:{uuid}"},
    "AWS::AmazonMQ::Broker": {"Ref": "Id", "Id": "b-{uuid}", "Arn": "{arn}broker:{name}:b-{uuid}"},
    "AWS::Kendra::Index": {"Ref": "Id", "Id": "{uuid}", "Arn": "{arn}index/{uuid}"},
    "AWS::Kendra::DataSource": {"Ref": "{id}|{IndexId}", "Id": "{id}",
                                "Arn": "{arn}index/{IndexId}/data-source/{id}"},
    "AWS::Kendra::Faq": {"Ref": "{id}|{IndexId}", "Id": "{id}",
                         "Arn": "{arn}index/{IndexId}/faq/{id}"},
    # Amazon Q Business: ids are 36 characters (botocore's ApplicationId, IndexId...), and the
    # Ref of a child joins its primary identifier's parts with "|"
    "AWS::QBusiness::Application": {
        "Ref": "ApplicationId", "ApplicationId": "{uuid}", "Status": "ACTIVE",
        "ApplicationArn": "{arn}application/{uuid}",
        "IdentityCenterApplicationArn": SSO_APPLICATION},
    "AWS::QBusiness::Index": {
        "Ref": "{ApplicationId}|{uuid}", "IndexId": "{uuid}", "Status": "ACTIVE",
        "IndexArn": "{arn}application/{ApplicationId}/index/{uuid}"},
    "AWS::QBusiness::DataSource": {
        "Ref": "{ApplicationId}|{uuid}|{IndexId}", "DataSourceId": "{uuid}", "Status": "ACTIVE",
        "DataSourceArn": "{arn}application/{ApplicationId}/index/{IndexId}/data-source/{uuid}"},
    "AWS::QBusiness::Retriever": {
        "Ref": "{ApplicationId}|{uuid}", "RetrieverId": "{uuid}", "Status": "ACTIVE",
        "RetrieverArn": "{arn}application/{ApplicationId}/retriever/{uuid}"},
    "AWS::QBusiness::WebExperience": {
        "Ref": "{ApplicationId}|{uuid}", "WebExperienceId": "{uuid}", "Status": "ACTIVE",
        "WebExperienceArn": "{arn}application/{ApplicationId}/web-experience/{uuid}",
        "DefaultEndpoint": "https://{id}.chat.qbusiness.{region}.on.aws/"},
    "AWS::QBusiness::Plugin": {
        "Ref": "{ApplicationId}|{uuid}", "PluginId": "{uuid}", "BuildStatus": "READY",
        "PluginArn": "{arn}application/{ApplicationId}/plugin/{uuid}"},
    "AWS::QBusiness::DataAccessor": {
        "Ref": "{ApplicationId}|{uuid}", "DataAccessorId": "{uuid}",
        "DataAccessorArn": "{arn}application/{ApplicationId}/data-accessor/{uuid}",
        "IdcApplicationArn": SSO_APPLICATION},
    "AWS::QBusiness::Permission": {"Ref": "{ApplicationId}|{StatementId}"},
}

# Services whose ARN names another service than the type's namespace.
SERVICES = {"KinesisFirehose": "firehose", "CloudWatch": "cloudwatch", "Cognito": "cognito-idp",
            "AmazonMQ": "mq", "ApiGateway": "apigateway", "ApiGatewayV2": "apigateway",
            "OpenSearchService": "es", "Elasticsearch": "es", "StepFunctions": "states",
            "CertificateManager": "acm", "ElasticLoadBalancingV2": "elasticloadbalancing"}
