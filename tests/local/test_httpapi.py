"""A SAM HTTP API, translated by ws, lands in moto's apigatewayv2 backend with its routes."""
from __future__ import annotations

from ws.local import templatefixes
from ws.package.sam import translate_sam

SAM = {
    "Transform": "AWS::Serverless-2016-10-31",
    "Resources": {
        "Orders": {"Type": "AWS::Serverless::Function", "Properties": {
            "Runtime": "python3.11", "Handler": "app.handler", "CodeUri": "s3://code/o.zip",
            "AutoPublishAlias": "live", "FunctionUrlConfig": {"AuthType": "NONE"},
            "Events": {
                "List": {"Type": "HttpApi", "Properties": {"Path": "/orders", "Method": "get"}},
                "Place": {"Type": "HttpApi", "Properties": {"Path": "/orders",
                                                            "Method": "post"}}}}}},
    "Outputs": {"Api": {"Value": {"Ref": "ServerlessHttpApi"}},
                "Url": {"Value": {"Fn::Sub": "https://${ServerlessHttpApi}.execute-api."
                                             "${AWS::Region}.amazonaws.com"}}},
}


def test_sam_http_api_routes_and_alias(stack, aws):
    aws("s3").create_bucket(Bucket="code")
    aws("s3").put_object(Bucket="code", Key="o.zip", Body=b"PK\x05\x06" + b"\0" * 18)
    out = stack.create(templatefixes.prepare(translate_sam(SAM, "us-east-1", "t.yaml")))
    v2 = aws("apigatewayv2")
    assert v2.get_api(ApiId=out["Api"])["ApiEndpoint"] == out["Url"]
    routes = {r["RouteKey"]: r for r in v2.get_routes(ApiId=out["Api"])["Items"]}
    assert set(routes) == {"GET /orders", "POST /orders"}
    integrations = {i["IntegrationId"]: i for i in v2.get_integrations(ApiId=out["Api"])["Items"]}
    for route in routes.values():
        integration = integrations[route["Target"].removeprefix("integrations/")]
        assert integration["IntegrationType"] == "AWS_PROXY"  # as AWS spells it
        assert integration["IntegrationUri"].endswith(":live/invocations")  # the alias
    assert [s["StageName"] for s in v2.get_stages(ApiId=out["Api"])["Items"]] == ["$default"]
