"""API Gateway stages, authorizers and methods created by CloudFormation on the endpoint."""
from __future__ import annotations

import pytest

FUNCTION_URI = ("arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/"
                "arn:aws:lambda:us-east-1:123456789012:function:products/invocations")


def template(stage_variables: dict | None = None, authorizer_name: str = "users") -> dict:
    api = {"Ref": "Api"}
    return {"Resources": {
        "Pool": {"Type": "AWS::Cognito::UserPool", "Properties": {"UserPoolName": "users"}},
        "Api": {"Type": "AWS::ApiGateway::RestApi", "Properties": {"Name": "store"}},
        "Products": {"Type": "AWS::ApiGateway::Resource", "Properties": {
            "RestApiId": api, "ParentId": {"Fn::GetAtt": ["Api", "RootResourceId"]},
            "PathPart": "products"}},
        "Auth": {"Type": "AWS::ApiGateway::Authorizer", "Properties": {
            "RestApiId": api, "Name": authorizer_name, "Type": "COGNITO_USER_POOLS",
            "ProviderARNs": [{"Fn::GetAtt": ["Pool", "Arn"]}],
            "IdentitySource": "method.request.header.Authorization"}},
        "GetProducts": {"Type": "AWS::ApiGateway::Method", "Properties": {
            "RestApiId": api, "ResourceId": {"Ref": "Products"}, "HttpMethod": "GET",
            "AuthorizationType": "COGNITO_USER_POOLS", "AuthorizerId": {"Ref": "Auth"},
            "Integration": {"Type": "AWS_PROXY", "IntegrationHttpMethod": "POST",
                            "Uri": FUNCTION_URI}}},
        "Deployment": {"Type": "AWS::ApiGateway::Deployment", "DependsOn": ["GetProducts"],
                       "Properties": {"RestApiId": api, "StageName": "Stage"}},
        "Live": {"Type": "AWS::ApiGateway::Stage", "Properties": {
            "RestApiId": api, "DeploymentId": {"Ref": "Deployment"}, "StageName": "v1",
            "Description": "live", "Variables": stage_variables or {"mode": "test"}}}},
        "Outputs": {
            "ApiId": {"Value": {"Ref": "Api"}},
            "StageName": {"Value": {"Ref": "Live"}},
            "DeploymentId": {"Value": {"Ref": "Deployment"}},
            "AuthorizerId": {"Value": {"Ref": "Auth"}},
            "ProductsId": {"Value": {"Ref": "Products"}}}}


@pytest.fixture
def apigw(aws):
    return aws("apigateway")


def test_stage_authorizer_and_method_are_real(stack, apigw, aws):
    out = stack.create(template())
    stage = apigw.get_stage(restApiId=out["ApiId"], stageName="v1")
    assert out["StageName"] == "v1"
    assert stage["variables"] == {"mode": "test"} and stage["description"] == "live"
    assert stage["deploymentId"] == out["DeploymentId"]
    assert [d["id"] for d in apigw.get_deployments(restApiId=out["ApiId"])["items"]] == [
        out["DeploymentId"]]
    [authorizer] = apigw.get_authorizers(restApiId=out["ApiId"])["items"]
    pool_arn = aws("cognito-idp").list_user_pools(MaxResults=1)["UserPools"][0]["Id"]
    assert authorizer["id"] == out["AuthorizerId"] and authorizer["type"] == "COGNITO_USER_POOLS"
    assert authorizer["providerARNs"][0].endswith(f"userpool/{pool_arn}")
    assert authorizer["identitySource"] == "method.request.header.Authorization"
    method = apigw.get_method(restApiId=out["ApiId"], resourceId=out["ProductsId"],
                              httpMethod="GET")
    assert method["authorizationType"] == "COGNITO_USER_POOLS"
    assert method["authorizerId"] == out["AuthorizerId"]
    assert method["methodIntegration"]["uri"] == FUNCTION_URI


def test_update_changes_stage_and_authorizer(stack, apigw):
    first = stack.create(template())
    second = stack.update(template({"mode": "live"}, authorizer_name="customers"))
    assert second["AuthorizerId"] == first["AuthorizerId"]
    stage = apigw.get_stage(restApiId=second["ApiId"], stageName="v1")
    assert stage["variables"] == {"mode": "live"}
    [authorizer] = apigw.get_authorizers(restApiId=second["ApiId"])["items"]
    assert authorizer["name"] == "customers"


def test_delete_removes_the_api(stack, apigw):
    stack.create(template())
    stack.delete()
    assert apigw.get_rest_apis()["items"] == []


def test_removed_stage_and_authorizer_are_gone(stack, apigw):
    out = stack.create(template())
    body = template()
    for logical in ("Live", "Auth"):
        del body["Resources"][logical]
    del body["Outputs"]["StageName"], body["Outputs"]["AuthorizerId"]
    method = body["Resources"]["GetProducts"]["Properties"]
    method.update(AuthorizationType="NONE")
    del method["AuthorizerId"]
    stack.update(body)
    assert apigw.get_authorizers(restApiId=out["ApiId"])["items"] == []
    with pytest.raises(apigw.exceptions.NotFoundException):
        apigw.get_stage(restApiId=out["ApiId"], stageName="v1")
    method = apigw.get_method(restApiId=out["ApiId"], resourceId=out["ProductsId"],
                              httpMethod="GET")
    assert method["authorizationType"] == "NONE" and "authorizerId" not in method


def test_a_method_with_the_callers_credentials_is_created(stack, apigw):
    """SAM's AWS_IAM authorizer writes Credentials arn:aws:iam::*:user/* (the caller's
    credentials); moto's PutIntegration refused it as a cross-account role."""
    body = template()
    body["Resources"]["GetProducts"]["Properties"].update(AuthorizationType="AWS_IAM")
    del body["Resources"]["GetProducts"]["Properties"]["AuthorizerId"]
    body["Resources"]["GetProducts"]["Properties"]["Integration"]["Credentials"] = \
        "arn:aws:iam::*:user/*"
    out = stack.create(body)
    integration = apigw.get_integration(restApiId=out["ApiId"], resourceId=out["ProductsId"],
                                        httpMethod="GET")
    assert integration["credentials"] == "arn:aws:iam::*:user/*"
