"""A SAM REST API, translated and prepared by ws, deploys with routes, methods and authorizer."""
from __future__ import annotations

import copy

from ws.local import templatefixes
from ws.package.sam import translate_sam

SAM = {
    "Transform": "AWS::Serverless-2016-10-31",
    "Resources": {
        "Users": {"Type": "AWS::Cognito::UserPool", "Properties": {"UserPoolName": "users"}},
        "StoreApi": {"Type": "AWS::Serverless::Api", "Properties": {
            "StageName": "v1",
            "Auth": {"DefaultAuthorizer": "CognitoAuth", "Authorizers": {
                "CognitoAuth": {"UserPoolArn": {"Fn::GetAtt": ["Users", "Arn"]}}}}}},
        "Products": {"Type": "AWS::Serverless::Function", "Properties": {
            "Runtime": "python3.11", "Handler": "handler.handler",
            "CodeUri": "s3://code/products.zip",
            "Events": {"List": {"Type": "Api", "Properties": {
                "RestApiId": {"Ref": "StoreApi"}, "Path": "/products", "Method": "get",
                "Auth": {"Authorizer": "NONE"}}}}}},
        "Orders": {"Type": "AWS::Serverless::Function", "Properties": {
            "Runtime": "python3.11", "Handler": "handler.handler",
            "CodeUri": "s3://code/orders.zip",
            "Events": {"Place": {"Type": "Api", "Properties": {
                "RestApiId": {"Ref": "StoreApi"}, "Path": "/orders", "Method": "post"}}}}}},
    "Outputs": {"ApiId": {"Value": {"Ref": "StoreApi"}}},
}


def _deploy(stack, aws) -> str:
    s3 = aws("s3")
    s3.create_bucket(Bucket="code")
    for key in ("products.zip", "orders.zip"):
        s3.put_object(Bucket="code", Key=key, Body=b"PK\x05\x06" + b"\0" * 18)
    return stack.create(templatefixes.prepare(translate_sam(SAM, "us-east-1", "api.yaml")))["ApiId"]


def _methods(apigw, api_id: str) -> dict[str, dict]:
    return {f"{verb} {res['path']}": apigw.get_method(restApiId=api_id, resourceId=res["id"],
                                                       httpMethod=verb)
            for res in apigw.get_resources(restApiId=api_id)["items"]
            for verb in res.get("resourceMethods", {})}


def test_sam_api_routes_methods_and_authorizer(stack, aws):
    apigw = aws("apigateway")
    api_id = _deploy(stack, aws)
    [authorizer] = apigw.get_authorizers(restApiId=api_id)["items"]
    assert (authorizer["name"], authorizer["type"]) == ("CognitoAuth", "COGNITO_USER_POOLS")
    pool = aws("cognito-idp").list_user_pools(MaxResults=1)["UserPools"][0]["Id"]
    assert authorizer["providerARNs"][0].endswith(f":userpool/{pool}")
    methods = _methods(apigw, api_id)
    assert set(methods) == {"GET /products", "POST /orders"}
    assert methods["GET /products"]["authorizationType"] == "NONE"
    orders = methods["POST /orders"]
    assert orders["authorizationType"] == "COGNITO_USER_POOLS"
    assert orders["authorizerId"] == authorizer["id"]
    integration = orders["methodIntegration"]
    assert (integration["type"], integration["httpMethod"]) == ("AWS_PROXY", "POST")
    assert integration["uri"].endswith(":function:" + _function_name(aws, "Orders")
                                       + "/invocations")
    assert apigw.get_stage(restApiId=api_id, stageName="v1")["deploymentId"]
    assert apigw.get_rest_api(restApiId=api_id)["name"]


def test_sam_api_update_adds_a_route_and_delete_removes_all(stack, aws):
    apigw = aws("apigateway")
    api_id = _deploy(stack, aws)
    changed = copy.deepcopy(SAM)
    changed["Resources"]["Orders"]["Properties"]["Events"]["List"] = {
        "Type": "Api", "Properties": {"RestApiId": {"Ref": "StoreApi"},
                                      "Path": "/orders", "Method": "get"}}
    out = stack.update(templatefixes.prepare(translate_sam(changed, "us-east-1", "api.yaml")))
    assert out["ApiId"] == api_id
    assert set(_methods(apigw, api_id)) == {"GET /products", "POST /orders", "GET /orders"}
    stage = apigw.get_stage(restApiId=api_id, stageName="v1")
    assert [d["id"] for d in apigw.get_deployments(restApiId=api_id)["items"]] == [
        stage["deploymentId"]]
    stack.delete()
    assert apigw.get_rest_apis()["items"] == []
    assert aws("cognito-idp").list_user_pools(MaxResults=1)["UserPools"] == []


def _function_name(aws, logical: str) -> str:
    names = [f["FunctionName"] for f in aws("lambda").list_functions()["Functions"]]
    return next(n for n in names if logical in n)


def test_prepare_leaves_the_input_alone():
    translated = translate_sam(SAM, "us-east-1", "api.yaml")
    prepared = templatefixes.prepare(translated)
    assert "Body" in translated["Resources"]["StoreApi"]["Properties"]
    assert "Body" not in prepared["Resources"]["StoreApi"]["Properties"]
    assert {r["Type"] for r in prepared["Resources"].values()} >= {
        "AWS::ApiGateway::Resource", "AWS::ApiGateway::Method", "AWS::ApiGateway::Authorizer"}


def test_unsupported_and_placeholder_types_are_named():
    template = {"Resources": {
        "Queue": {"Type": "AWS::SQS::Queue"},
        "Graph": {"Type": "AWS::Kendra::Index"},
        "Search": {"Type": "AWS::OpenSearchService::Domain"},
        "Wait": {"Type": "AWS::CloudFormation::WaitConditionHandle"},
        "Custom": {"Type": "Custom::Thing"},
        "Pool": {"Type": "AWS::Cognito::UserPool"}}}
    template["Resources"]["Skill"] = {"Type": "Alexa::ASK::Skill"}
    template["Resources"]["Fn"] = {"Type": "AWS::Serverless::Function"}  # left untranslated
    assert templatefixes.unsupported_types(template) == [
        ("Fn", "AWS::Serverless::Function"), ("Skill", "Alexa::ASK::Skill")]
    assert templatefixes.placeholder_types(template) == [
        ("Graph", "AWS::Kendra::Index"), ("Search", "AWS::OpenSearchService::Domain")]
    assert templatefixes.unsupported_types(template, placeholders=False) == [
        ("Fn", "AWS::Serverless::Function"), ("Graph", "AWS::Kendra::Index"),
        ("Search", "AWS::OpenSearchService::Domain"), ("Skill", "Alexa::ASK::Skill")]


def test_event_sources_the_endpoint_cannot_read_are_placeholders():
    def mapping(source):
        props = {"FunctionName": "f"} if source is None else {"FunctionName": "f",
                                                               "EventSourceArn": source}
        return {"Type": "AWS::Lambda::EventSourceMapping", "Properties": props}
    template = {"Resources": {
        "Queue": {"Type": "AWS::SQS::Queue"},
        "Broker": {"Type": "AWS::AmazonMQ::Broker"},
        "FromQueue": mapping({"Fn::GetAtt": ["Queue", "Arn"]}),
        "FromStream": mapping("arn:aws:kinesis:us-east-1:123456789012:stream/s"),
        "FromBroker": mapping({"Fn::GetAtt": ["Broker", "Arn"]}),
        "FromKafka": mapping("arn:aws:kafka:us-east-1:123456789012:cluster/c/1"),
        "SelfManaged": mapping(None)}}
    assert templatefixes.placeholder_types(template) == [
        ("Broker", "AWS::AmazonMQ::Broker"), ("FromBroker", "AWS::Lambda::EventSourceMapping"),
        ("FromKafka", "AWS::Lambda::EventSourceMapping"),
        ("SelfManaged", "AWS::Lambda::EventSourceMapping")]
    assert templatefixes.unsupported_types(template) == []
    assert len(templatefixes.unsupported_types(template, placeholders=False)) == 4


# A REST API defined by an included swagger file, with CORS and API keys, and usage plans
# that wait for its stage (written first: the stage, so the deployment, is reached first).
SWAGGER = """swagger: "2.0"
info:
  title:
    Fn::Sub: "${AWS::StackName}-API"
basePath: /Prod
paths:
  /items:
    get:
      responses: {}
      x-amazon-apigateway-integration:
        type: aws_proxy
        httpMethod: POST
        uri:
          Fn::Sub: "arn:aws:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/"""\
    """${ItemsFunction.Arn}/invocations"
"""
INCLUDED = {
    "Transform": "AWS::Serverless-2016-10-31",
    "Resources": {
        "BasicPlan": {"Type": "AWS::ApiGateway::UsagePlan", "DependsOn": ["ItemsApiProdStage"],
                      "Properties": {"ApiStages": [{"ApiId": {"Ref": "ItemsApi"},
                                                    "Stage": {"Ref": "ItemsApiProdStage"}}]}},
        "ItemsApi": {"Type": "AWS::Serverless::Api", "Properties": {
            "StageName": "Prod",
            "DefinitionBody": {"Fn::Transform": {"Name": "AWS::Include",
                                                 "Parameters": {"Location": "./api/swagger.yaml"}}},
            "Cors": {"AllowMethods": "'GET, OPTIONS'", "AllowOrigin": "'*'"},
            "Auth": {"ApiKeyRequired": True, "AddDefaultAuthorizerToCorsPreflight": False}}},
        "ItemsFunction": {"Type": "AWS::Serverless::Function", "Properties": {
            "Runtime": "python3.12", "Handler": "app.handler", "CodeUri": "s3://code/items.zip",
            "Events": {"Get": {"Type": "Api", "Properties": {
                "RestApiId": {"Ref": "ItemsApi"}, "Path": "/items", "Method": "get"}}}}}},
    "Outputs": {"ApiId": {"Value": {"Ref": "ItemsApi"}}},
}


def test_an_included_definition_deploys_its_methods_before_a_plan_waiting_on_the_stage(
        stack, aws, tmp_path):
    from ws.package.artifacts import local_files
    from ws.package.localfiles import package_files

    (tmp_path / "api").mkdir()
    (tmp_path / "api/swagger.yaml").write_text(SWAGGER)
    (tmp_path / "t.yaml").write_text("")
    files = local_files(INCLUDED, tmp_path, tmp_path, "t.yaml", tmp_path / "t.yaml")
    body = package_files(INCLUDED, files, "b", lambda k, d: None, True, tmp_path)
    aws("s3").create_bucket(Bucket="code")
    aws("s3").put_object(Bucket="code", Key="items.zip", Body=b"PK\x05\x06" + b"\0" * 18)
    outputs = stack.create(templatefixes.prepare(translate_sam(body, "us-east-1", "t.yaml")))
    api_id = outputs["ApiId"]
    assert set(_methods(aws("apigateway"), api_id)) == {"GET /items", "OPTIONS /items"}


MOCK_BODY = {"openapi": "3.0.1", "info": {"title": "mock"}, "paths": {"/{city+}": {"get": {
    "responses": {"200": {"description": "ok"}},
    "x-amazon-apigateway-integration": {"type": "mock", "requestTemplates": {
        "application/json": '{"statusCode": 200}'}, "responses": {"default": {
            "statusCode": "200"}}}}}}}


def _conditional_api(volatile: str) -> dict:
    when = {"Condition": "Volatile"}
    return {"Parameters": {"IsVolatile": {"Type": "String", "Default": volatile}},
            "Conditions": {"Volatile": {"Fn::Equals": [{"Ref": "IsVolatile"}, "true"]}},
            "Resources": {
                "Queue": {"Type": "AWS::SQS::Queue"},
                "MockApi": {**when, "Type": "AWS::ApiGateway::RestApi",
                            "Properties": {"Name": "mock", "Body": MOCK_BODY}},
                "MockDeployment": {**when, "Type": "AWS::ApiGateway::Deployment",
                                   "Properties": {"RestApiId": {"Ref": "MockApi"}}}}}


def test_the_expanded_routes_of_a_conditional_api_share_its_condition(stack, aws):
    prepared = templatefixes.prepare(_conditional_api("false"))
    added = [r for r in prepared["Resources"].values()
             if r["Type"] in ("AWS::ApiGateway::Resource", "AWS::ApiGateway::Method")]
    assert len(added) == 2 and all(r.get("Condition") == "Volatile" for r in added)
    stack.create(prepared)
    assert aws("apigateway").get_rest_apis()["items"] == []
    stack.delete()
    stack.create(templatefixes.prepare(_conditional_api("true")))
    [api] = aws("apigateway").get_rest_apis()["items"]
    assert set(_methods(aws("apigateway"), api["id"])) == {"GET /{city+}"}
