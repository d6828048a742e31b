"""Functions behind the Lambda Web Adapter (AWS_LAMBDA_EXEC_WRAPPER=/opt/bootstrap, the
adapter's layer of another account): their handler script starts a web app, and each event
reaches it as an HTTP request, through a REST API route and by Invoke; an app that never
passes the readiness check answers a Runtime error naming its port and path."""
from __future__ import annotations

import base64
import json
import shutil

import pytest

from apistore import call
from lambda_helpers import zip_of
from ws.local.urls import local_api_url

ROLE = {"Fn::GetAtt": ["Role", "Arn"]}
ADAPTER = "arn:aws:lambda:us-east-1:753240598075:layer:LambdaAdapterLayerX86:25"
RUN_SH = "# a comment before the shebang, as in AWS's samples\n#!/bin/bash\n" \
         "exec python app.py\n"
APP = """
import json, os
from http.server import BaseHTTPRequestHandler, HTTPServer

class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        self.answer(b"")

    def do_POST(self):
        self.answer(self.rfile.read(int(self.headers.get("content-length") or 0)))

    def answer(self, body):
        context = json.loads(self.headers.get("x-amzn-lambda-context") or "{}")
        out = json.dumps({"path": self.path, "method": self.command, "body": body.decode(),
                          "who": self.headers.get("x-who"),
                          "function": os.environ["AWS_LAMBDA_FUNCTION_NAME"],
                          "context": context.get("env_config", {}).get("function_name")}).encode()
        self.send_response(201 if self.command == "POST" else 200)
        self.send_header("Content-Type", "application/json")
        self.send_header("X-App", "stdlib")
        self.send_header("Set-Cookie", "a=1")
        self.end_headers()
        self.wfile.write(out)

print("app listening on", os.environ["PORT"], flush=True)
HTTPServer(("127.0.0.1", int(os.environ["PORT"])), Handler).serve_forever()
"""
NODE_APP = """
require('http').createServer((req, res) => {
  res.writeHead(202, {'Content-Type': 'text/plain', 'X-Runtime': process.version});
  res.end(`node ${req.method} ${req.url} ${req.headers['x-amzn-request-context']}`);
}).listen(Number(process.env.PORT), '127.0.0.1');
"""
NODE_SDK_APP = """
const { S3Client, CreateBucketCommand } = require('@aws-sdk/client-s3');
require('http').createServer(async (req, res) => {
  if (req.url === '/') return res.end('up');
  await new S3Client({}).send(new CreateBucketCommand({ Bucket: 'made-by-app' }));
  res.end('made');
}).listen(Number(process.env.PORT), '127.0.0.1');
"""
FIXED = "#!/bin/bash\nPORT=8769 exec python app.py\n"  # ignores the PORT it is given
SILENT = "#!/bin/sh\necho starting but never listening\nexec sleep 30\n"


def function(key: str, timeout: int, runtime: str = "python3.12", **env: str) -> dict:
    return {"Type": "AWS::Lambda::Function", "Properties": {
        "Runtime": runtime, "Handler": "run.sh", "Role": ROLE, "Timeout": timeout,
        "Code": {"S3Bucket": "code", "S3Key": key}, "Layers": [ADAPTER],
        "Environment": {"Variables": {"AWS_LAMBDA_EXEC_WRAPPER": "/opt/bootstrap", **env}}}}


def method(resource: str, uri: str, http_method: str = "ANY", **integration: str) -> dict:
    return {"Type": "AWS::ApiGateway::Method", "Properties": {
        "RestApiId": {"Ref": "Api"}, "ResourceId": {"Ref": resource}, "HttpMethod": http_method,
        "AuthorizationType": "NONE", "Integration": {
            "Type": "AWS_PROXY", "IntegrationHttpMethod": "POST", "Uri": {"Fn::Sub": uri},
            **integration}}}


def resource(part: str) -> dict:
    return {"Type": "AWS::ApiGateway::Resource", "Properties": {
        "RestApiId": {"Ref": "Api"}, "ParentId": {"Fn::GetAtt": ["Api", "RootResourceId"]},
        "PathPart": part}}


def template() -> dict:
    uri = "arn:aws:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${Web.Arn}/" \
          "invocations"
    streams = "arn:aws:apigateway:${AWS::Region}:lambda:path/2021-11-15/functions/" \
              "${Streamer.Arn}/response-streaming-invocations"
    return {"Resources": {
        "Role": {"Type": "AWS::IAM::Role", "Properties": {
            "AssumeRolePolicyDocument": {"Statement": []}}},
        "Web": function("web.zip", 10, PORT="8765"),
        "Silent": function("silent.zip", 1, PORT="8766", AWS_LWA_READINESS_CHECK_PATH="/up"),
        "Api": {"Type": "AWS::ApiGateway::RestApi", "Properties": {"Name": "web"}},
        "Streamer": function("web.zip", 10, PORT="8767", AWS_LWA_INVOKE_MODE="response_stream"),
        "Twin": function("web.zip", 10, PORT="8765"),
        "Fixed": function("fixed.zip", 10, PORT="8769"),
        "Node": function("node.zip", 10, "nodejs20.x"),
        "NodeSdk": function("nodesdk.zip", 20, "nodejs20.x"),
        "Any": resource("{proxy+}"), "Method": method("Any", uri),
        "Ask": resource("ask"),
        "Stream": method("Ask", streams, "POST", ResponseTransferMode="STREAM"),
        "Deployment": {"Type": "AWS::ApiGateway::Deployment", "DependsOn": ["Method", "Stream"],
                       "Properties": {"RestApiId": {"Ref": "Api"}, "StageName": "prod"}}},
        "Outputs": {"Web": {"Value": {"Ref": "Web"}}, "Silent": {"Value": {"Ref": "Silent"}},
                    "Streamer": {"Value": {"Ref": "Streamer"}}, "Twin": {"Value": {"Ref": "Twin"}},
                    "Fixed": {"Value": {"Ref": "Fixed"}}, "Node": {"Value": {"Ref": "Node"}},
                    "NodeSdk": {"Value": {"Ref": "NodeSdk"}},
                    "Api": {"Value": {"Ref": "Api"}}}}


def deploy(stack, aws) -> dict:
    s3 = aws("s3")
    s3.create_bucket(Bucket="code")
    s3.put_object(Bucket="code", Key="web.zip", Body=zip_of({"run.sh": RUN_SH, "app.py": APP}))
    s3.put_object(Bucket="code", Key="node.zip", Body=zip_of({
        "run.sh": "#!/bin/sh\nexec node app.js\n", "app.js": NODE_APP}))
    s3.put_object(Bucket="code", Key="nodesdk.zip", Body=zip_of({
        "run.sh": "#!/bin/sh\nexec node app.js\n", "app.js": NODE_SDK_APP}))
    s3.put_object(Bucket="code", Key="fixed.zip", Body=zip_of({"run.sh": FIXED, "app.py": APP}))
    s3.put_object(Bucket="code", Key="silent.zip", Body=zip_of({"run.sh": SILENT}))
    return stack.create(template())


def test_a_web_adapter_app_answers_its_rest_route_and_invoke(stack, aws, moto_url):
    out = deploy(stack, aws)
    status, headers, body = call(local_api_url(moto_url, out["Api"], "prod") + "/items/7?q=1",
                                 method="POST", body=b'{"n": 1}', headers={"X-Who": "api"})
    headers = {k.lower(): v for k, v in headers.items()}
    assert (status, headers.get("x-app"), headers.get("content-type")) == \
        (201, "stdlib", "application/json")
    assert json.loads(body) == {"path": "/items/7?q=1", "method": "POST", "body": '{"n": 1}',
                                "who": "api", "function": out["Web"], "context": out["Web"]}
    event = {"httpMethod": "GET", "path": "/hello", "headers": {"X-Who": "invoke"},
             "requestContext": {"stage": "prod"}, "body": None}
    answer = json.loads(aws("lambda").invoke(FunctionName=out["Web"],
                                             Payload=json.dumps(event))["Payload"].read())
    assert answer["statusCode"] == 200 and answer["isBase64Encoded"] is False
    assert answer["headers"]["x-app"] == "stdlib" and answer["headers"]["set-cookie"] == "a=1"
    assert json.loads(answer["body"])["who"] == "invoke"


def test_a_node_app_answers_an_alb_event(stack, aws):
    out = deploy(stack, aws)
    event = {"httpMethod": "DELETE", "path": "/things/1", "queryStringParameters": {"x": "a%20b"},
             "headers": {}, "requestContext": {"elb": {"targetGroupArn": "tg"}}, "body": ""}
    answer = json.loads(aws("lambda").invoke(FunctionName=out["Node"],
                                             Payload=json.dumps(event))["Payload"].read())
    assert (answer["statusCode"], answer["statusDescription"]) == (202, "202 Accepted")
    assert answer["body"] == 'node DELETE /things/1?x=a%20b {"elb":{"targetGroupArn":"tg"}}'
    assert answer["headers"]["x-runtime"].startswith("v")


@pytest.mark.skipif(shutil.which("npm") is None, reason="needs npm")
def test_a_node_app_finds_the_sdk_lambda_bundles(stack, aws):
    out = deploy(stack, aws)
    event = json.dumps({"httpMethod": "POST", "path": "/make", "requestContext": {}})
    answer = json.loads(aws("lambda").invoke(FunctionName=out["NodeSdk"],
                                             Payload=event)["Payload"].read())
    assert answer.get("body") == "made"
    assert "made-by-app" in [b["Name"] for b in aws("s3").list_buckets()["Buckets"]]


def test_response_stream_mode_answers_the_prelude_then_the_body(stack, aws, moto_url):
    out = deploy(stack, aws)
    status, headers, body = call(local_api_url(moto_url, out["Api"], "prod") + "/ask",
                                 method="POST", body=b"streamed")
    assert (status, json.loads(body)["body"]) == (201, "streamed")
    assert {k.lower(): v for k, v in headers.items()}["x-app"] == "stdlib"
    event = {"version": "2.0", "rawPath": "/v2", "rawQueryString": "a=b", "cookies": ["c=d"],
             "headers": {"x-who": "v2"}, "requestContext": {"http": {"method": "GET"}}}
    payload = aws("lambda").invoke(FunctionName=out["Streamer"],
                                   Payload=json.dumps(event))["Payload"].read()
    prelude, _, rest = payload.partition(b"\x00" * 8)
    assert json.loads(prelude)["statusCode"] == 200 and json.loads(prelude)["cookies"] == ["a=1"]
    assert json.loads(rest)["path"] == "/v2?a=b" and json.loads(rest)["who"] == "v2"


def test_apps_declaring_the_same_port_each_answer_their_own_function(stack, aws):
    """Each instance listens on a port of its own (PORT); one listening on its declared port
    regardless is reached there."""
    out = deploy(stack, aws)
    lam, event = aws("lambda"), json.dumps({"httpMethod": "GET", "path": "/", "headers": {},
                                            "requestContext": {}})
    answers = [json.loads(json.loads(lam.invoke(FunctionName=out[name], Payload=event)
                                     ["Payload"].read())["body"])["function"]
               for name in ("Web", "Twin", "Fixed")]
    assert answers == [out["Web"], out["Twin"], out["Fixed"]]


def test_an_app_never_ready_answers_a_runtime_error_naming_its_port_and_path(stack, aws):
    out = deploy(stack, aws)
    reply = aws("lambda").invoke(FunctionName=out["Silent"], Payload=b"{}", LogType="Tail")
    error = json.loads(reply["Payload"].read())
    assert reply.get("FunctionError") and error["errorType"] == "Runtime.InitError"
    assert "GET /up on port 8766" in error["errorMessage"]
    assert "starting but never listening" in base64.b64decode(reply["LogResult"]).decode()
