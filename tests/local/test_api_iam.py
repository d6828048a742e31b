"""AWS_IAM authorization on the local gateway: SigV4 checked against the endpoint's secrets,
the caller's identity in the proxy event, 403s as API Gateway answers them."""
from __future__ import annotations

import json

import pytest
from lambda_standin import moto_url, served  # noqa: F401 (fixtures)
from signing import presigned_url, signed_headers

from apistore import ECHO, _function, _method, _proxy, _resource, call
from ws.local.urls import local_api_url



def _template() -> dict:
    method = _method("Who", "ANY", _proxy("Echo"))
    method["Properties"]["AuthorizationType"] = "AWS_IAM"
    return {"Resources": {
        "Role": {"Type": "AWS::IAM::Role", "Properties": {"AssumeRolePolicyDocument": {
            "Version": "2012-10-17", "Statement": []}}},
        "Echo": _function(ECHO),
        "Api": {"Type": "AWS::ApiGateway::RestApi", "Properties": {"Name": "iam"}},
        "Who": _resource({"Fn::GetAtt": ["Api", "RootResourceId"]}, "who"),
        "AnyWho": method,
        "Deployment": {"Type": "AWS::ApiGateway::Deployment", "DependsOn": ["AnyWho"],
                       "Properties": {"RestApiId": {"Ref": "Api"}, "StageName": "prod"}}},
        "Outputs": {"ApiId": {"Value": {"Ref": "Api"}}}}


@pytest.fixture
def who(stack, moto_url):
    return local_api_url(moto_url, stack.create(_template())["ApiId"], "prod") + "/who"


def test_unsigned_request_is_missing_authentication_token(who):
    status, headers, body = call(who)
    assert (status, json.loads(body)) == (403, {"message": "Missing Authentication Token"})


def test_signed_request_reaches_the_function_with_the_callers_identity(who):
    url = who + "?q=1&a=b%20c"
    status, _, body = call(url, method="POST", body=b'{"x": 1}',
                           headers=signed_headers(url, "POST", b'{"x": 1}'))
    assert status == 200, body
    identity = json.loads(body)["requestContext"]["identity"]
    assert identity["accessKey"] == "AKIDLOCALTEST" and identity["accountId"] == "123456789012"
    assert identity["userArn"] and identity["caller"] and identity["user"]


def test_a_presigned_url_signs_in_its_query(who):
    url = presigned_url(who + "?q=1")
    status, _, body = call(url)
    assert status == 200, body
    assert json.loads(body)["requestContext"]["identity"]["accessKey"] == "AKIDLOCALTEST"
    assert call(url.replace("q=1", "q=2"))[0] == 403
    assert call(presigned_url(who, secret="not-the-secret"))[0] == 403


def test_wrong_secret_or_tampered_body_is_403(who):
    status, _, body = call(who, headers=signed_headers(who, secret="not-the-secret"))
    assert status == 403 and b"signature we calculated does not match" in body
    headers = signed_headers(who, "POST", b"signed")
    assert call(who, method="POST", body=b"tampered", headers=headers)[0] == 403


def test_keys_the_endpoint_issued_sign_with_their_own_secret(who, aws):
    iam = aws("iam")
    iam.create_user(UserName="ada")
    key = iam.create_access_key(UserName="ada")["AccessKey"]
    headers = signed_headers(who, key=key["AccessKeyId"], secret=key["SecretAccessKey"])
    status, _, body = call(who, headers=headers)
    assert status == 200, body
    identity = json.loads(body)["requestContext"]["identity"]
    assert identity["userArn"] == "arn:aws:iam::123456789012:user/ada"
    assert call(who, headers=signed_headers(who, key=key["AccessKeyId"]))[0] == 403


def test_sam_default_authorizer_aws_iam_makes_aws_iam_methods():
    from ws.local import templatefixes
    from ws.package.sam import translate_sam
    sam = {"Transform": "AWS::Serverless-2016-10-31", "Resources": {
        "Api": {"Type": "AWS::Serverless::Api", "Properties": {
            "StageName": "prod", "Auth": {"DefaultAuthorizer": "AWS_IAM"}}},
        "Fn": {"Type": "AWS::Serverless::Function", "Properties": {
            "Runtime": "python3.11", "Handler": "index.handler", "CodeUri": "s3://b/k.zip",
            "Events": {"Get": {"Type": "Api", "Properties": {
                "RestApiId": {"Ref": "Api"}, "Path": "/who", "Method": "get"}}}}}}}
    prepared = templatefixes.prepare(translate_sam(sam, "us-east-1", "api.yaml"))
    methods = [r["Properties"] for r in prepared["Resources"].values()
               if r["Type"] == "AWS::ApiGateway::Method"]
    assert [m["AuthorizationType"] for m in methods] == ["AWS_IAM"]


def test_a_request_signed_for_the_aws_url_verifies_through_the_proxy(who, tmp_path):
    import ssl
    import urllib.request

    from ws.local.reach import proxy
    api_id = who.split("/_ws/api/")[1].split("/")[0]
    served = who.split("/_ws/api/")[0]
    running = proxy.start(served, tmp_path)
    try:
        url = f"https://{api_id}.execute-api.us-east-1.amazonaws.com/prod/who?x=1"
        opener = urllib.request.build_opener(
            urllib.request.ProxyHandler({"https": running.url}),
            urllib.request.HTTPSHandler(context=ssl.create_default_context(
                cafile=str(running.ca.bundle_file))))
        request = urllib.request.Request(url, headers=signed_headers(url))
        with opener.open(request, timeout=10) as answer:
            identity = json.loads(answer.read())["requestContext"]["identity"]
        assert identity["accessKey"] == "AKIDLOCALTEST"
    finally:
        running.shutdown()
        running.server_close()


def test_a_request_signed_for_the_aws_url_verifies_at_the_local_url(who):
    """A local function's urllib or fetch call to the API's AWS URL is sent to the local URL
    (its Host the endpoint's: Node's fetch cannot keep another); its signature still holds."""
    api_id = who.split("/_ws/api/")[1].split("/")[0]
    aws_url = f"https://{api_id}.execute-api.us-east-1.amazonaws.com/prod/who?x=1"
    status, _, body = call(who + "?x=1", headers=signed_headers(aws_url, token="session"))
    assert status == 200, body
    assert json.loads(body)["requestContext"]["identity"]["accessKey"] == "AKIDLOCALTEST"
    forged = signed_headers(aws_url.replace(api_id, "otherapi"))
    assert call(who + "?x=1", headers=forged)[0] == 403
