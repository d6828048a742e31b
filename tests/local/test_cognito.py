"""Cognito user pools and clients created by CloudFormation on the local endpoint."""
from __future__ import annotations

import copy

import pytest


def template(min_length: int = 12, flows: list[str] | None = None,
             name: str = "store-users") -> dict:
    return {"Resources": {
        "Pool": {"Type": "AWS::Cognito::UserPool", "Properties": {
            "UserPoolName": name,
            "UsernameAttributes": ["email"], "AutoVerifiedAttributes": ["email"],
            "Policies": {"PasswordPolicy": {"MinimumLength": min_length,
                                            "RequireSymbols": False}},
            "Schema": [{"Name": "tier", "AttributeDataType": "String", "Mutable": True}]}},
        "Client": {"Type": "AWS::Cognito::UserPoolClient", "Properties": {
            "UserPoolId": {"Ref": "Pool"}, "ClientName": "web", "GenerateSecret": False,
            "ExplicitAuthFlows": flows or ["ALLOW_USER_PASSWORD_AUTH",
                                           "ALLOW_REFRESH_TOKEN_AUTH"]}}},
        "Outputs": {
            "PoolId": {"Value": {"Ref": "Pool"}},
            "PoolIdAtt": {"Value": {"Fn::GetAtt": ["Pool", "UserPoolId"]}},
            "Arn": {"Value": {"Fn::GetAtt": ["Pool", "Arn"]}},
            "ProviderName": {"Value": {"Fn::GetAtt": ["Pool", "ProviderName"]}},
            "ProviderURL": {"Value": {"Fn::GetAtt": ["Pool", "ProviderURL"]}},
            "ClientId": {"Value": {"Ref": "Client"}},
            "ClientIdAtt": {"Value": {"Fn::GetAtt": ["Client", "ClientId"]}},
            "ClientName": {"Value": {"Fn::GetAtt": ["Client", "Name"]}}}}


@pytest.fixture
def idp(aws):
    return aws("cognito-idp")


def test_pool_and_client_are_real_and_referenced(stack, idp):
    out = stack.create(template())
    pool = idp.describe_user_pool(UserPoolId=out["PoolId"])["UserPool"]
    assert pool["Name"] == "store-users"
    assert pool["UsernameAttributes"] == ["email"]
    assert pool["AutoVerifiedAttributes"] == ["email"]
    assert pool["Policies"]["PasswordPolicy"]["MinimumLength"] == 12
    assert any(a["Name"] == "custom:tier" for a in pool["SchemaAttributes"])
    assert out["PoolIdAtt"] == out["PoolId"] and out["Arn"] == pool["Arn"]
    assert out["ProviderName"] == f"cognito-idp.us-east-1.amazonaws.com/{out['PoolId']}"
    assert out["ProviderURL"] == f"https://{out['ProviderName']}"
    client = idp.describe_user_pool_client(UserPoolId=out["PoolId"],
                                           ClientId=out["ClientId"])["UserPoolClient"]
    assert client["ClientName"] == "web" == out["ClientName"]
    assert "ClientSecret" not in client
    assert out["ClientIdAtt"] == out["ClientId"]


def test_update_changes_pool_and_client_in_place(stack, idp):
    first = stack.create(template())
    second = stack.update(template(min_length=16, flows=["ALLOW_REFRESH_TOKEN_AUTH"],
                                   name="customers"))
    assert second["PoolId"] == first["PoolId"] and second["ClientId"] == first["ClientId"]
    pool = idp.describe_user_pool(UserPoolId=second["PoolId"])["UserPool"]
    assert pool["Policies"]["PasswordPolicy"]["MinimumLength"] == 16
    assert pool["Name"] == "customers"
    client = idp.describe_user_pool_client(UserPoolId=second["PoolId"],
                                           ClientId=second["ClientId"])["UserPoolClient"]
    assert client["ExplicitAuthFlows"] == ["ALLOW_REFRESH_TOKEN_AUTH"]


def test_update_resets_dropped_client_settings(stack, idp):
    body = template()
    body["Resources"]["Client"]["Properties"]["RefreshTokenValidity"] = 5
    first = stack.create(body)
    del body["Resources"]["Client"]["Properties"]["RefreshTokenValidity"]
    body["Resources"]["Client"]["Properties"]["ClientName"] = "shop"
    second = stack.update(body)
    client = idp.describe_user_pool_client(UserPoolId=second["PoolId"],
                                           ClientId=first["ClientId"])["UserPoolClient"]
    assert client["RefreshTokenValidity"] == 30 and client["ClientName"] == "shop"
    assert second["ClientName"] == "shop"


def test_asking_for_a_secret_replaces_the_client(stack, idp):
    first = stack.create(template())
    body = copy.deepcopy(template())
    body["Resources"]["Client"]["Properties"]["GenerateSecret"] = True
    second = stack.update(body)
    assert second["ClientId"] != first["ClientId"]
    clients = idp.list_user_pool_clients(UserPoolId=second["PoolId"])["UserPoolClients"]
    assert [c["ClientId"] for c in clients] == [second["ClientId"]]
    client = idp.describe_user_pool_client(UserPoolId=second["PoolId"],
                                           ClientId=second["ClientId"])["UserPoolClient"]
    assert client["ClientSecret"]


def test_delete_removes_pool_and_client(stack, idp):
    out = stack.create(template())
    stack.delete()
    assert idp.list_user_pools(MaxResults=10)["UserPools"] == []
    with pytest.raises(idp.exceptions.ResourceNotFoundException):
        idp.describe_user_pool(UserPoolId=out["PoolId"])
