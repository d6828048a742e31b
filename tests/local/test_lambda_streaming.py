"""Response streaming in Node.js functions: `awslambda.streamifyResponse` and
`awslambda.HttpResponseStream.from`, as the Lambda runtime provides them, answering a plain
Invoke and a REST API method whose integration streams (response-streaming-invocations)."""
from __future__ import annotations

from apistore import call
from ws.local.urls import local_api_url

ROLE = {"Fn::GetAtt": ["Role", "Arn"]}
STREAMER = """
exports.handler = awslambda.streamifyResponse(async (event, responseStream, context) => {
  const body = event.body ? JSON.parse(event.body) : event;
  const http = awslambda.HttpResponseStream.from(responseStream, {
    statusCode: 201, headers: {'Content-Type': 'text/plain'}});
  http.write('hello ');
  await new Promise((r) => setTimeout(r, 5));
  http.write(String(body.who));
  http.end();
});
"""


def template() -> dict:
    uri = {"Fn::Sub": "arn:aws:apigateway:${AWS::Region}:lambda:path/2021-11-15/functions/"
                      "${Streamer.Arn}/response-streaming-invocations"}
    return {"Resources": {
        "Role": {"Type": "AWS::IAM::Role", "Properties": {
            "AssumeRolePolicyDocument": {"Statement": []}}},
        "Streamer": {"Type": "AWS::Lambda::Function", "Properties": {
            "Runtime": "nodejs20.x", "Handler": "index.handler", "Role": ROLE,
            "Code": {"ZipFile": STREAMER}}},
        "Api": {"Type": "AWS::ApiGateway::RestApi", "Properties": {"Name": "streams"}},
        "Ask": {"Type": "AWS::ApiGateway::Resource", "Properties": {
            "RestApiId": {"Ref": "Api"}, "ParentId": {"Fn::GetAtt": ["Api", "RootResourceId"]},
            "PathPart": "ask"}},
        "Post": {"Type": "AWS::ApiGateway::Method", "Properties": {
            "RestApiId": {"Ref": "Api"}, "ResourceId": {"Ref": "Ask"}, "HttpMethod": "POST",
            "AuthorizationType": "NONE", "Integration": {
                "Type": "AWS_PROXY", "IntegrationHttpMethod": "POST", "Uri": uri,
                "ResponseTransferMode": "STREAM"}}},
        "Deployment": {"Type": "AWS::ApiGateway::Deployment", "DependsOn": ["Post"],
                       "Properties": {"RestApiId": {"Ref": "Api"}, "StageName": "prod"}}},
        "Outputs": {"Fn": {"Value": {"Ref": "Streamer"}}, "Api": {"Value": {"Ref": "Api"}}}}


def test_a_streaming_handler_answers_invoke_and_its_api(stack, aws, moto_url):
    out = stack.create(template())
    payload = aws("lambda").invoke(FunctionName=out["Fn"], Payload=b'{"who": "invoke"}')
    assert payload["Payload"].read() == (b'{"statusCode":201,"headers":{"Content-Type":'
                                         b'"text/plain"}}' + b"\x00" * 8 + b"hello invoke")
    status, headers, body = call(local_api_url(moto_url, out["Api"], "prod") + "/ask",
                                 method="POST", body=b'{"who": "api"}')
    assert (status, body, headers.get("Content-Type")) == (201, b"hello api", "text/plain")
