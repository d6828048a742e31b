"""A WebSocket API (AWS::ApiGatewayV2::Api, ProtocolType WEBSOCKET) deployed by ws on the local
endpoint: clients connect at its local URL; $connect (behind a Lambda REQUEST authorizer)
accepts or refuses; a message runs the route its `action` selects (a two-way route answers,
$default echoes through the @connections API at the AWS URL the event names, as does a Node.js
function's SDK client; another writes to DynamoDB through an AWS integration); $disconnect
runs whoever closes. Another API's $connect is AWS_IAM: a SigV4-signed opening request."""
from __future__ import annotations

import json
import shutil
import time

import boto3
import pytest
import websocket  # websocket-client
from botocore.auth import SigV4Auth, SigV4QueryAuth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from ws import api
from ws.engine.request import RunRequest
from ws.local.links import links_for
from ws.local.reach import proxy
from ws.testing.workspaces import workspace_files, write_tree

TEMPLATE = """Transform: AWS::Serverless-2016-10-31
Resources:
  Log:
    Type: AWS::DynamoDB::Table
    Properties:
      TableName: ws-chat-log
      BillingMode: PAY_PER_REQUEST
      AttributeDefinitions: [{AttributeName: id, AttributeType: S}]
      KeySchema: [{AttributeName: id, KeyType: HASH}]
  Chat:
    Type: AWS::ApiGatewayV2::Api
    Properties:
      Name: chat
      ProtocolType: WEBSOCKET
      RouteSelectionExpression: $request.body.action
  Dev:
    Type: AWS::ApiGatewayV2::Stage
    Properties: {ApiId: !Ref Chat, StageName: dev, AutoDeploy: true}
  Handler:
    Type: AWS::Serverless::Function
    Properties: {CodeUri: src/, Handler: app.handler, Runtime: python3.11}
  Gate:
    Type: AWS::Serverless::Function
    Properties: {CodeUri: src/, Handler: app.authorize, Runtime: python3.11}
  Authorizer:
    Type: AWS::ApiGatewayV2::Authorizer
    Properties:
      ApiId: !Ref Chat
      Name: gate
      AuthorizerType: REQUEST
      IdentitySource: [route.request.querystring.token]
      AuthorizerUri: !Sub arn:aws:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${Gate.Arn}/invocations
  Integration:
    Type: AWS::ApiGatewayV2::Integration
    Properties:
      ApiId: !Ref Chat
      IntegrationType: AWS_PROXY
      IntegrationUri: !Sub arn:aws:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${Handler.Arn}/invocations
  Connect:
    Type: AWS::ApiGatewayV2::Route
    Properties:
      ApiId: !Ref Chat
      RouteKey: $connect
      AuthorizationType: CUSTOM
      AuthorizerId: !Ref Authorizer
      Target: !Sub integrations/${Integration}
  Disconnect:
    Type: AWS::ApiGatewayV2::Route
    Properties: {ApiId: !Ref Chat, RouteKey: $disconnect, Target: !Sub "integrations/${Integration}"}
  Default:
    Type: AWS::ApiGatewayV2::Route
    Properties: {ApiId: !Ref Chat, RouteKey: $default, Target: !Sub "integrations/${Integration}"}
  Echo:
    Type: AWS::ApiGatewayV2::Route
    Properties: {ApiId: !Ref Chat, RouteKey: echo, Target: !Sub "integrations/${Integration}"}
  EchoResponse:
    Type: AWS::ApiGatewayV2::RouteResponse
    Properties: {ApiId: !Ref Chat, RouteId: !Ref Echo, RouteResponseKey: $default}
  Note:
    Type: AWS::ApiGatewayV2::Route
    Properties: {ApiId: !Ref Chat, RouteKey: note, Target: !Sub "integrations/${PutNote}"}
  PutNote:
    Type: AWS::ApiGatewayV2::Integration
    Properties:
      ApiId: !Ref Chat
      IntegrationType: AWS
      IntegrationMethod: POST
      IntegrationUri: !Sub arn:aws:apigateway:${AWS::Region}:dynamodb:action/PutItem
      TemplateSelectionExpression: \\$default
      RequestTemplates:
        $default: >-
          {"TableName": "ws-chat-log", "Item": {"id": {"S": "note:$context.connectionId"},
           "state": {"S": "$input.path('$.text')"}}}
  Express:
    Type: AWS::ApiGatewayV2::Route
    Properties: {ApiId: !Ref Chat, RouteKey: express, Target: !Sub "integrations/${StartSync}"}
  StartSync:
    Type: AWS::ApiGatewayV2::Integration
    Properties:
      ApiId: !Ref Chat
      IntegrationType: AWS
      IntegrationMethod: POST
      IntegrationUri: !Sub arn:aws:apigateway:${AWS::Region}:states:action/StartSyncExecution
  Upgrader:
    Type: AWS::Serverless::Function
    Properties: {CodeUri: src/, Handler: upgrade.handler, Runtime: nodejs20.x}
  Shouter:
    Type: AWS::Serverless::Function
    Properties: {CodeUri: src/, Handler: shout.handler, Runtime: nodejs20.x}
  ShoutIntegration:
    Type: AWS::ApiGatewayV2::Integration
    Properties:
      ApiId: !Ref Chat
      IntegrationType: AWS_PROXY
      IntegrationUri: !Sub arn:aws:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${Shouter.Arn}/invocations
  Shout:
    Type: AWS::ApiGatewayV2::Route
    Properties: {ApiId: !Ref Chat, RouteKey: shout, Target: !Sub "integrations/${ShoutIntegration}"}
  Bye:
    Type: AWS::ApiGatewayV2::Route
    Properties: {ApiId: !Ref Chat, RouteKey: bye, Target: !Sub "integrations/${Integration}"}
  Guarded:
    Type: AWS::ApiGatewayV2::Api
    Properties: {Name: guarded, ProtocolType: WEBSOCKET, RouteSelectionExpression: $request.body.action}
  Live:
    Type: AWS::ApiGatewayV2::Stage
    Properties: {ApiId: !Ref Guarded, StageName: live, AutoDeploy: true}
  GuardedIntegration:
    Type: AWS::ApiGatewayV2::Integration
    Properties:
      ApiId: !Ref Guarded
      IntegrationType: AWS_PROXY
      IntegrationUri: !Sub arn:aws:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${Handler.Arn}/invocations
  GuardedConnect:
    Type: AWS::ApiGatewayV2::Route
    Properties:
      ApiId: !Ref Guarded
      RouteKey: $connect
      AuthorizationType: AWS_IAM
      Target: !Sub integrations/${GuardedIntegration}
Outputs:
  Endpoint:
    Value: !GetAtt Chat.ApiEndpoint
  Url:
    Value: !Sub wss://${Chat}.execute-api.${AWS::Region}.amazonaws.com/dev
"""
APP = """import json
import boto3

log = boto3.resource("dynamodb").Table("ws-chat-log")


def authorize(event, context):
    token = event["queryStringParameters"]["token"]
    return {"principalId": token, "context": {"role": "member"}, "policyDocument": {
        "Version": "2012-10-17", "Statement": [{
            "Action": "execute-api:Invoke", "Resource": event["methodArn"],
            "Effect": "Deny" if token == "intruder" else "Allow"}]}}


def handler(event, context):
    ctx = event["requestContext"]
    if ctx["eventType"] == "CONNECT":
        if "refuse" in (event.get("queryStringParameters") or {}):
            return {"statusCode": 403, "body": "not today"}
        who = ctx.get("authorizer", {}).get("principalId") or ctx["identity"]["userArn"]
        log.put_item(Item={"id": ctx["connectionId"], "state": "open", "who": who,
                           "identity": json.dumps(ctx["identity"])})
        return {"statusCode": 200}
    if ctx["eventType"] == "DISCONNECT":
        log.put_item(Item={"id": ctx["connectionId"], "state": "closed",
                           "code": ctx["disconnectStatusCode"]})
        return {"statusCode": 200}
    body = json.loads(event["body"])
    if ctx["routeKey"] == "echo":
        return {"statusCode": 200, "body": json.dumps({"echo": body["text"],
                                                       "role": ctx["authorizer"]["role"]})}
    manage = boto3.client("apigatewaymanagementapi",
                          endpoint_url=f"https://{ctx['domainName']}/{ctx['stage']}")
    if ctx["routeKey"] == "bye":
        manage.delete_connection(ConnectionId=ctx["connectionId"])
        return {"statusCode": 200}
    try:
        manage.post_to_connection(ConnectionId="bm90IG9wZW4gYXQgYWxs", Data=b"lost")
        gone = False
    except manage.exceptions.GoneException:
        gone = True
    me = manage.get_connection(ConnectionId=ctx["connectionId"])
    manage.post_to_connection(ConnectionId=ctx["connectionId"], Data=json.dumps({
        "route": ctx["routeKey"], "body": body, "gone": gone,
        "sourceIp": me["Identity"]["SourceIp"]}).encode())
    return {"statusCode": 200}
"""

SHOUT = """const { ApiGatewayManagementApi } = require('@aws-sdk/client-apigatewaymanagementapi');

exports.handler = async (event) => {
  const { domainName, stage, connectionId } = event.requestContext;
  const api = new ApiGatewayManagementApi({ endpoint: `https://${domainName}/${stage}` });
  const text = JSON.parse(event.body).text.toUpperCase();
  await api.postToConnection({ ConnectionId: connectionId, Data: JSON.stringify({ text }) });
  return { statusCode: 200 };
};
"""

UPGRADE = """const https = require('node:https');
const tls = require('node:tls');

// What the `ws` package does for a wss:// URL: https.request with its own TLS connection.
exports.handler = async (event) => new Promise((resolve, reject) => {
  const request = https.request({
    hostname: event.host, path: event.path, createConnection: (o) => tls.connect(o),
    headers: { Connection: 'Upgrade', Upgrade: 'websocket', 'Sec-WebSocket-Version': '13',
               'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==' } });
  request.on('upgrade', (answer, socket) => { socket.destroy(); resolve(answer.statusCode); });
  request.on('response', (answer) => resolve(answer.statusCode));
  request.on('error', reject);
  request.end();
});
"""


@pytest.fixture
def chat(tmp_path, endpoint):
    """(the stage's local ws:// URL, the API id) of the deployed chat API."""
    root = write_tree(tmp_path, {**workspace_files(chat=(TEMPLATE, {})),
                                 "stacks/chat/src/app.py": APP,
                                 "stacks/chat/src/shout.js": SHOUT,
                                 "stacks/chat/src/upgrade.js": UPGRADE})
    report = api.deploy(root, "local", RunRequest())
    assert report.ok, [(s.stack, s.reason) for s in report.stacks]
    outputs = {s.stack: s.outputs for s in report.stacks}
    api_id = outputs["chat"]["Endpoint"].removeprefix("wss://").split(".")[0]
    assert outputs["chat"]["Endpoint"] == f"wss://{api_id}.execute-api.us-east-1.amazonaws.com"
    links = {link.output: link.local_url for link in links_for(outputs, endpoint)}
    url = endpoint.replace("http://", "ws://") + f"/_ws/api/{api_id}/dev"
    assert links["Url"] == url  # what deploy and `ws outputs` show for the wss:// output
    return url, api_id


@pytest.fixture
def guarded(chat, aws):
    """The local ws:// URL and the AWS URL of the API whose $connect is AWS_IAM."""
    url, _ = chat
    api_id = next(a["ApiId"] for a in aws("apigatewayv2").get_apis()["Items"]
                  if a["Name"] == "guarded")
    local = url.replace(f"/{chat[1]}/dev", f"/{api_id}/live")
    return local, f"https://{api_id}.execute-api.us-east-1.amazonaws.com/live"


def _signed(url: str, secret: str = "testing") -> dict[str, str]:
    """The Authorization and X-Amz-Date headers that sign a GET of `url` (a client's SigV4)."""
    request = AWSRequest("GET", url.replace("ws://", "http://"))
    SigV4Auth(Credentials("AKIDLOCALTEST", secret), "execute-api", "us-east-1").add_auth(request)
    return {k: v for k, v in request.headers.items() if k.lower() != "host"}


def _presigned_query(url: str) -> str:
    """The X-Amz-* query of a presigned GET of `url` (what SDKs build for a wss:// URL)."""
    request = AWSRequest("GET", url)
    SigV4QueryAuth(Credentials("AKIDLOCALTEST", "testing"), "execute-api", "us-east-1",
                   expires=60).add_auth(request)
    return request.url.partition("?")[2]


def _log(aws) -> dict[str, dict]:
    return {i["id"]["S"]: i for i in aws("dynamodb").scan(TableName="ws-chat-log")["Items"]}


def _wait(check, seconds: float = 10):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if (result := check()):
            return result
        time.sleep(0.05)
    raise AssertionError(f"not true after {seconds} s")


def test_routes_answer_and_functions_reach_the_connection(chat, aws):
    url, _ = chat
    client = websocket.create_connection(f"{url}?token=ann", timeout=20)
    try:
        client.send(json.dumps({"action": "echo", "text": "hi"}))
        assert json.loads(client.recv()) == {"echo": "hi", "role": "member"}  # two-way
        client.send(json.dumps({"action": "express"}))  # StartSyncExecution of no machine
        assert json.loads(client.recv())["message"] == "Internal server error"
        client.send(json.dumps({"action": "note", "text": "noted"}))  # DynamoDB PutItem
        notes = _wait(lambda: [i for i in _log(aws) if i.startswith("note:")])
        assert _log(aws)[notes[0]]["state"] == {"S": "noted"}
        client.send(json.dumps({"action": "chat", "text": "hello"}))  # no such route
        pushed = json.loads(client.recv())  # sent by the function through @connections
        assert pushed == {"route": "$default", "body": {"action": "chat", "text": "hello"},
                          "gone": True, "sourceIp": "127.0.0.1"}
        if shutil.which("npm"):  # a Node.js function's SDK v3 client (installed from npm)
            client.send(json.dumps({"action": "shout", "text": "hey"}))
            assert json.loads(client.recv()) == {"text": "HEY"}
        client.send(json.dumps({"action": "bye"}))  # the function closes the connection
        opcode, _ = client.recv_data(control_frame=True)
        assert opcode == websocket.ABNF.OPCODE_CLOSE  # and the client answers it
    finally:
        client.close()
    [entry] = _wait(lambda: [i for i in _log(aws).values() if i["state"]["S"] == "closed"])
    assert entry["code"] == {"N": "1000"}


def test_refusals_the_management_api_from_outside_and_the_client_closing(chat, aws,
                                                                        endpoint):
    url, api_id = chat
    for query, status in (("", 401), ("?token=intruder", 403), ("?token=ann&refuse", 403)):
        with pytest.raises(websocket.WebSocketBadStatusException) as refused:
            websocket.create_connection(url + query, timeout=20)
        assert refused.value.status_code == status, query
    assert _log(aws) == {}  # $connect logged none of them
    with pytest.raises(websocket.WebSocketBadStatusException) as refused:
        websocket.create_connection(url.replace("/dev", "/prod") + "?token=ann", timeout=20)
    assert refused.value.status_code == 403 and b"no stage 'prod'" in refused.value.resp_body
    client = websocket.create_connection(f"{url}?token=bob", timeout=20)
    manage = boto3.client("apigatewaymanagementapi", region_name="us-east-1",
                          endpoint_url=f"{endpoint}/_ws/api/{api_id}/dev",
                          aws_access_key_id="testing", aws_secret_access_key="testing")
    [connection_id] = _log(aws)
    manage.post_to_connection(ConnectionId=connection_id, Data=b"\x00\xffbinary")
    assert client.recv() == b"\x00\xffbinary"
    assert manage.get_connection(ConnectionId=connection_id)["Identity"]["SourceIp"] == \
        "127.0.0.1"
    client.close()  # status 1000
    _wait(lambda: _log(aws)[connection_id]["state"]["S"] == "closed")
    assert _log(aws)[connection_id]["code"] == {"N": "1000"}
    with pytest.raises(manage.exceptions.GoneException):
        manage.post_to_connection(ConnectionId=connection_id, Data=b"late")


def test_functions_reach_a_wss_url(chat, aws, endpoint, tmp_path):
    """A Python client with HTTPS_PROXY (CONNECT, TLS with the local CA's certificate, then
    the opening handshake to the API's AWS host), and a Node.js function's https.request."""
    _, api_id = chat
    running = proxy.start(endpoint, tmp_path / "ca")
    try:
        client = websocket.create_connection(
            f"wss://{api_id}.execute-api.us-east-1.amazonaws.com/dev?token=cy", timeout=20,
            http_proxy_host="127.0.0.1", http_proxy_port=running.server_address[1],
            proxy_type="http", sslopt={"ca_certs": str(running.ca.bundle_file)})
        client.send(json.dumps({"action": "echo", "text": "through"}))
        assert json.loads(client.recv()) == {"echo": "through", "role": "member"}
        client.close()
    finally:
        running.shutdown()
        running.server_close()
    _wait(lambda: [i for i in _log(aws).values() if i["state"]["S"] == "closed"])
    lam = aws("lambda")
    name = next(f["FunctionName"] for f in lam.list_functions()["Functions"]
                if "Upgrader" in f["FunctionName"])
    answer = lam.invoke(FunctionName=name, Payload=json.dumps({
        "host": f"{api_id}.execute-api.us-east-1.amazonaws.com", "path": "/dev?token=dan"}))
    assert json.loads(answer["Payload"].read()) == 101, answer.get("FunctionError")
    assert len(_log(aws)) == 2  # its $connect ran too



def test_aws_iam_on_connect_checks_the_signature_and_gives_the_callers_identity(guarded, aws):
    url, aws_url = guarded
    for headers in ({}, _signed(url, secret="not-the-secret")):
        with pytest.raises(websocket.WebSocketBadStatusException) as refused:
            websocket.create_connection(url, header=headers, timeout=20)
        assert refused.value.status_code == 403
    assert _log(aws) == {}  # $connect ran for neither
    websocket.create_connection(url, header=_signed(url), timeout=20).close()
    client = websocket.create_connection(f"{url}?{_presigned_query(aws_url)}", timeout=20)
    client.close()  # signed for the API's AWS URL, as a client through the proxy signs
    for entry in _wait(lambda: len(_log(aws)) == 2 and _log(aws).values()):
        identity = json.loads(entry["identity"]["S"])
        assert identity["accessKey"] == "AKIDLOCALTEST", identity
        assert identity["accountId"] == "123456789012" and identity["caller"]
        assert identity["userArn"] == entry["who"]["S"] and identity["sourceIp"] == "127.0.0.1"
