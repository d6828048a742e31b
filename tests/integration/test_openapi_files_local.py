"""OpenAPI files a plain CloudFormation template names (a REST API's BodyS3Location, an HTTP
API's Body through AWS::Include), deployed by ws on the local endpoint: Path Items hold
`parameters` and `summary` next to their operations."""
from __future__ import annotations

from ws import api
from ws.engine.request import RunRequest
from ws.testing.workspaces import workspace_files, write_tree

TEMPLATE = """Resources:
  Rest:
    Type: AWS::ApiGateway::RestApi
    Properties:
      Name: files-rest
      BodyS3Location: api/rest.yaml
  Http:
    Type: AWS::ApiGatewayV2::Api
    Properties:
      Body:
        Fn::Transform:
          Name: AWS::Include
          Parameters:
            Location: api/http.yaml
"""
PATHS = {"/items/{id}": {
    "summary": "an item", "parameters": [{"name": "id", "in": "path", "required": True}],
    "get": {"responses": {"200": {"description": "ok"}}, "x-amazon-apigateway-integration": {
        "type": "http_proxy", "httpMethod": "GET", "uri": "http://127.0.0.1:9/items/{id}"}}}}


def test_rest_and_http_api_files_with_path_level_keys_deploy(tmp_path, endpoint, aws):
    files = workspace_files(files=(TEMPLATE, {}))
    files.update({
        "stacks/files/api/rest.yaml": {"swagger": "2.0", "info": {"title": "r", "version": "1"},
                                       "paths": PATHS},
        "stacks/files/api/http.yaml": {"openapi": "3.0.1", "paths": PATHS,
                                       "info": {"title": "files-http", "version": "1"}}})
    root = write_tree(tmp_path, files)
    report = api.deploy(root, "local", RunRequest())
    assert report.ok, [(s.stack, s.reason) for s in report.stacks]
    (http,) = aws("apigatewayv2").get_apis()["Items"]
    routes = aws("apigatewayv2").get_routes(ApiId=http["ApiId"])["Items"]
    assert [r["RouteKey"] for r in routes] == ["GET /items/{id}"]
    gateway = aws("apigateway")
    (rest,) = gateway.get_rest_apis()["items"]
    assert [(r["path"], sorted(r["resourceMethods"]))
            for r in gateway.get_resources(restApiId=rest["id"])["items"]
            if r.get("resourceMethods")] == [("/items/{id}", ["GET"])]
    assert api.destroy(root, "local", RunRequest()).ok
