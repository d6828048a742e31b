"""AppSync GraphQL APIs served by the local endpoint: a Query field resolved by a Python Lambda
(direct resolver), a Mutation and a Query on DynamoDB through VTL templates, API key checked,
errors in AppSync's shape. Functions run in the stand-in runner (lambda_standin)."""
from __future__ import annotations

import json

import pytest
from lambda_standin import moto_url, served  # noqa: F401 (fixtures)

from apistore import call_json
from ws.local.urls import to_local

HELLO = """
def handler(event, context):
    if event["arguments"].get("name") == "crash":
        raise ValueError("no crash please")
    return {"greeting": "hello " + event["arguments"]["name"],
            "parent": event["info"]["parentTypeName"], "field": event["info"]["fieldName"]}
"""
SCHEMA = """
type Greeting { greeting: String parent: String field: String }
type Note @aws_api_key { id: ID! text: String createdAt: AWSDateTime }
type Query { hello(name: String!): Greeting getNote(id: ID!): Note listNotes: [Note] jsOnly: String
  last(items: [Int]): Int }
type Mutation { addNote(text: String!): Note }
schema { query: Query mutation: Mutation }
"""
_API = {"Fn::GetAtt": ["Api", "ApiId"]}


def _resolver(type_name: str, field: str, source: str, **extra) -> dict:
    return {"Type": "AWS::AppSync::Resolver", "DependsOn": "Schema", "Properties": {
        "ApiId": _API, "TypeName": type_name, "FieldName": field,
        "DataSourceName": {"Fn::GetAtt": [source, "Name"]}, **extra}}


def _template() -> dict:
    trust = {"Effect": "Allow", "Action": "sts:AssumeRole",
             "Principal": {"Service": "lambda.amazonaws.com"}}
    role = {"Type": "AWS::IAM::Role", "Properties": {"AssumeRolePolicyDocument": {
        "Version": "2012-10-17", "Statement": [trust]}}}
    return {"Resources": {
        "Role": role,
        "Hello": {"Type": "AWS::Lambda::Function", "Properties": {
            "Runtime": "python3.11", "Handler": "index.handler", "Code": {"ZipFile": HELLO},
            "Role": {"Fn::GetAtt": ["Role", "Arn"]}}},
        "Notes": {"Type": "AWS::DynamoDB::Table", "Properties": {
            "BillingMode": "PAY_PER_REQUEST",
            "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}],
            "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}]}},
        "Api": {"Type": "AWS::AppSync::GraphQLApi", "Properties": {
            "Name": "notes", "AuthenticationType": "API_KEY"}},
        "Key": {"Type": "AWS::AppSync::ApiKey", "Properties": {"ApiId": _API}},
        "Schema": {"Type": "AWS::AppSync::GraphQLSchema", "Properties": {
            "ApiId": _API, "Definition": SCHEMA}},
        "HelloSource": {"Type": "AWS::AppSync::DataSource", "Properties": {
            "ApiId": _API, "Name": "hello", "Type": "AWS_LAMBDA",
            "LambdaConfig": {"LambdaFunctionArn": {"Fn::GetAtt": ["Hello", "Arn"]}}}},
        "NotesSource": {"Type": "AWS::AppSync::DataSource", "Properties": {
            "ApiId": _API, "Name": "notes", "Type": "AMAZON_DYNAMODB",
            "DynamoDBConfig": {"TableName": {"Ref": "Notes"}, "AwsRegion": "us-east-1"}}},
        "Local": {"Type": "AWS::AppSync::DataSource", "Properties": {
            "ApiId": _API, "Name": "local", "Type": "NONE"}},
        "Last": _resolver("Query", "last", "Local",
            RequestMappingTemplate='{"version": "2018-05-29", "payload": $util.toJson($ctx.args)}',
            ResponseMappingTemplate="#foreach($i in $ctx.result.items)#set($seen = $i)#end$seen"),
        "HelloResolver": _resolver("Query", "hello", "HelloSource"),
        "AddNote": _resolver("Mutation", "addNote", "NotesSource",
            RequestMappingTemplate='{"version": "2017-02-28", "operation": "PutItem",'
            ' "key": {"id": $util.dynamodb.toDynamoDBJson($util.autoId())},'
            ' "attributeValues": $util.dynamodb.toMapValuesJson({"text": $ctx.args.text,'
            ' "createdAt": $util.time.nowISO8601()})}',
            ResponseMappingTemplate="$util.toJson($ctx.result)"),
        "GetNote": _resolver("Query", "getNote", "NotesSource",
            RequestMappingTemplate='{"version": "2017-02-28", "operation": "GetItem",'
            ' "key": {"id": $util.dynamodb.toDynamoDBJson($ctx.args.id)}}',
            ResponseMappingTemplate="$util.toJson($ctx.result)"),
        "ListNotes": _resolver("Query", "listNotes", "NotesSource",
            RequestMappingTemplate='{"version": "2017-02-28", "operation": "Scan"}',
            ResponseMappingTemplate="$util.toJson($ctx.result.items)"),
        "JsOnly": _resolver("Query", "jsOnly", "HelloSource", Code="export function request() {}",
                            Runtime={"Name": "APPSYNC_JS", "RuntimeVersion": "1.0.0"})},
        "Outputs": {
            "Url": {"Value": {"Fn::GetAtt": ["Api", "GraphQLUrl"]}},
            "ApiKey": {"Value": {"Fn::GetAtt": ["Key", "ApiKey"]}},
            "SourceArn": {"Value": {"Ref": "HelloSource"}},
            "SourceName": {"Value": {"Fn::GetAtt": ["NotesSource", "Name"]}},
            "ResolverArn": {"Value": {"Ref": "HelloResolver"}}}}



@pytest.fixture
def api(stack, moto_url):
    out = stack.create(_template())
    url = to_local(out["Url"], moto_url)
    assert url and url.startswith(moto_url)

    def ask(query: str, key: str | None = out["ApiKey"], **variables) -> tuple[int, dict]:
        headers = {"Content-Type": "application/json", **({"x-api-key": key} if key else {})}
        body = json.dumps({"query": query, "variables": variables}).encode()
        return call_json(url, method="POST", headers=headers, body=body)
    return ask, out


def test_ref_and_getatt_are_shaped_as_aws(api):
    _, out = api
    assert out["SourceArn"].startswith("arn:aws:appsync:us-east-1:123456789012:apis/")
    assert out["SourceArn"].endswith("/datasources/hello") and out["SourceName"] == "notes"
    assert out["ResolverArn"].endswith("/types/Query/resolvers/hello")


def test_lambda_resolver_gets_appsync_event(api):
    ask, _ = api
    status, answer = ask('query { hello(name: "ada") { greeting parent field } }')
    assert status == 200, answer
    assert answer == {"data": {"hello": {"greeting": "hello ada", "parent": "Query",
                                         "field": "hello"}}}


def test_lambda_error_is_a_field_error(api):
    ask, _ = api
    status, answer = ask('query Q($n: String!) { hello(name: $n) { greeting } }', n="crash")
    assert status == 200 and answer["data"] == {"hello": None}
    error = answer["errors"][0]
    assert error["message"] == "no crash please" and error["errorType"] == "ValueError"
    assert error["path"] == ["hello"] and error["locations"][0]["line"] == 1


def test_dynamodb_mutation_then_queries(api):
    ask, _ = api
    status, added = ask('mutation { addNote(text: "milk") { id text createdAt } }')
    assert status == 200, added
    note = added["data"]["addNote"]
    assert note["text"] == "milk" and note["id"] and note["createdAt"].endswith("Z")
    _, got = ask("query G($id: ID!) { getNote(id: $id) { id text } }", id=note["id"])
    assert got == {"data": {"getNote": {"id": note["id"], "text": "milk"}}}
    _, listed = ask("{ listNotes { text } }")
    assert listed == {"data": {"listNotes": [{"text": "milk"}]}}


def test_none_source_and_velocity_set_in_a_loop_seen_after_it(api):
    ask, _ = api
    assert ask("{ last(items: [4, 5, 6]) }") == (200, {"data": {"last": 6}})


def test_api_key_required(api):
    ask, _ = api
    status, answer = ask("{ listNotes { id } }", key=None)
    assert status == 401 and answer["errors"][0]["errorType"] == "UnauthorizedException"
    status, answer = ask("{ listNotes { id } }", key="da2-wrong")
    assert status == 401 and answer["errors"][0]["errorType"] == "UnauthorizedException"


def test_js_resolver_named_as_not_served(api):
    ask, _ = api
    status, answer = ask("{ jsOnly }")
    assert status == 200 and answer["data"] == {"jsOnly": None}
    assert "APPSYNC_JS" in answer["errors"][0]["message"]


def test_invalid_query_answers_errors(api):
    ask, _ = api
    status, answer = ask("{ nope }")
    assert status == 200 and answer["data"] is None and "nope" in answer["errors"][0]["message"]


def test_http_api_proxies_to_the_graphql_url(stack, moto_url):
    template = _template()
    template["Resources"]["Proxy"] = {"Type": "AWS::ApiGatewayV2::Api", "Properties": {
        "Name": "proxy", "ProtocolType": "HTTP"}}
    template["Resources"]["ProxyIntegration"] = {
        "Type": "AWS::ApiGatewayV2::Integration", "Properties": {
            "ApiId": {"Ref": "Proxy"}, "IntegrationType": "HTTP_PROXY",
            "IntegrationMethod": "POST", "PayloadFormatVersion": "1.0",
            "IntegrationUri": {"Fn::GetAtt": ["Api", "GraphQLUrl"]}}}
    template["Resources"]["ProxyRoute"] = {"Type": "AWS::ApiGatewayV2::Route", "Properties": {
        "ApiId": {"Ref": "Proxy"}, "RouteKey": "POST /graphql",
        "Target": {"Fn::Sub": "integrations/${ProxyIntegration}"}}}
    template["Resources"]["ProxyStage"] = {"Type": "AWS::ApiGatewayV2::Stage", "Properties": {
        "ApiId": {"Ref": "Proxy"}, "StageName": "$default", "AutoDeploy": True}}
    template["Outputs"]["ProxyUrl"] = {"Value": {"Fn::Sub": (
        "https://${Proxy}.execute-api.${AWS::Region}.amazonaws.com/graphql")}}
    out = stack.create(template)
    body = json.dumps({"query": '{ hello(name: "proxy") { greeting } }'}).encode()
    status, answer = call_json(to_local(out["ProxyUrl"], moto_url), method="POST", body=body,
                               headers={"x-api-key": out["ApiKey"],
                                        "Content-Type": "application/json"})
    assert status == 200 and answer == {"data": {"hello": {"greeting": "hello proxy"}}}
