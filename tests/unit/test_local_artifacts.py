"""Every local file a template names is packaged by content hash, as `sam package` does:
definitions, AWS::Include, Lambda code as a path, layers, AppSync, nested templates."""
from __future__ import annotations

import json
import zipfile

import pytest
from ws.cloud.backend import AWS, LOCAL, Backend
from ws.config.environment import load_environment
from ws.config.workspace import load_workspace
from ws.engine.fingerprint import static_parts
from ws.errors import ConfigError
from ws.lint import localpaths
from ws.package.prepare import Preparer
from ws.testing.workspaces import workspace_files, write_tree

TEMPLATE = """Transform: AWS::Serverless-2016-10-31
Resources:
  Api:
    Type: AWS::Serverless::Api
    Properties:
      StageName: v1
      DefinitionUri: api/openapi.yaml
  Rest:
    Type: AWS::ApiGateway::RestApi
    Properties:
      Name: rest
      Body:
        Fn::Transform:
          Name: AWS::Include
          Parameters:
            Location: api/openapi.yaml
  Orders:
    Type: AWS::Serverless::StateMachine
    Properties:
      DefinitionUri: statemachine/orders.asl.json
      Role: arn:aws:iam::123456789012:role/sfn
  Plain:
    Type: AWS::StepFunctions::StateMachine
    Properties:
      RoleArn: arn:aws:iam::123456789012:role/sfn
      DefinitionS3Location: statemachine/orders.asl.json
  Fn:
    Type: AWS::Lambda::Function
    Properties:
      Handler: app.handler
      Runtime: python3.11
      Role: arn:aws:iam::123456789012:role/fn
      Code: src/fn
      Layers: [!Ref Deps]
  Deps:
    Type: AWS::Lambda::LayerVersion
    Properties:
      Content: layers/deps.zip
  Queues:
    Type: AWS::CloudFormation::Stack
    Properties:
      TemplateURL: nested/queues.yaml
"""
RESOLVER = """  Resolver:
    Type: AWS::AppSync::Resolver
    Properties:
      ApiId: x
      TypeName: Query
      FieldName: order
      RequestMappingTemplateS3Location: resolvers/order.req.vtl
"""
NESTED = """Transform: AWS::Serverless-2016-10-31
Resources:
  Queue:
    Type: AWS::SQS::Queue
  Worker:
    Type: AWS::Serverless::Function
    Properties:
      Handler: app.handler
      Runtime: python3.11
      CodeUri: ../src/worker
"""
OPENAPI = {"openapi": "3.0.1", "info": {"title": "orders", "version": "1"},
           "paths": {"/orders": {"get": {"x-amazon-apigateway-integration": {
               "type": "mock", "requestTemplates": {"application/json": '{"statusCode": 200}'}},
               "responses": {"200": {"description": "ok"}}}}}}
ASL = {"StartAt": "Done", "States": {"Done": {"Type": "Succeed"}}}


def layer_zip() -> bytes:
    import io
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("python/deps.py", "X = 1\n")
    return buffer.getvalue()


@pytest.fixture
def root(tmp_path):
    files = workspace_files(orders=(TEMPLATE + RESOLVER, {}))
    files.update({f"stacks/orders/{rel}": content for rel, content in {
        "api/openapi.yaml": OPENAPI, "statemachine/orders.asl.json": json.dumps(ASL),
        "src/fn/app.py": "def handler(e, c): return 1\n", "layers/deps.zip": layer_zip(),
        "resolvers/order.req.vtl": '{"version": "2018-05-29"}',
        "nested/queues.yaml": NESTED,
        "src/worker/app.py": "def handler(e, c): return 2\n"}.items()})
    return write_tree(tmp_path, files)


def backend(can=AWS) -> Backend:
    url = "http://127.0.0.1:4566" if can.local_fixes else None
    return Backend("aws", "us-east-1", "123456789012", lambda service: None, url, can=can)


def prepared(root, can=AWS):
    ws = load_workspace(root)
    return Preparer(backend(can), ws.root, "bucket").prepare(ws.stacks["orders"])


def test_every_local_file_is_uploaded_and_named_by_content(root):
    result = prepared(root)
    res = result.body["Resources"]
    api = res["Api"]["Properties"]["DefinitionUri"]
    sm = res["Orders"]["Properties"]["DefinitionUri"]
    assert api["Bucket"] == "bucket" and result.uploads[api["Key"]] == \
        (root / "stacks/orders/api/openapi.yaml").read_bytes()
    assert json.loads(result.uploads[sm["Key"]]) == ASL
    assert res["Plain"]["Properties"]["DefinitionS3Location"] == sm
    include = res["Rest"]["Properties"]["Body"]["Fn::Transform"]["Parameters"]["Location"]
    assert include == f"s3://bucket/{api['Key']}"
    code = res["Fn"]["Properties"]["Code"]
    assert set(code) == {"S3Bucket", "S3Key"} and code["S3Key"].endswith(".zip")
    layer = res["Deps"]["Properties"]["Content"]
    assert result.uploads[layer["S3Key"]] == layer_zip()  # a local zip goes as it is
    vtl = res["Resolver"]["Properties"]["RequestMappingTemplateS3Location"]
    assert vtl.startswith("s3://bucket/artifacts/") and vtl.endswith(".vtl")


def test_a_nested_template_is_packaged_then_uploaded(root):
    result = prepared(root)
    url = result.body["Resources"]["Queues"]["Properties"]["TemplateURL"]
    assert url.startswith("https://bucket.s3.us-east-1.amazonaws.com/nested/")
    nested = json.loads(result.uploads[url.split("amazonaws.com/")[1]])
    worker = nested["Resources"]["Worker"]["Properties"]["CodeUri"]
    assert worker["Key"] in result.uploads and nested["Transform"]  # AWS expands SAM itself
    assert "CAPABILITY_AUTO_EXPAND" in result.capabilities and "CAPABILITY_IAM" in \
        result.capabilities  # the nested function's role


def test_locally_includes_and_definitions_are_inlined(root):
    (root / "stacks/orders/template.yaml").write_text(TEMPLATE)  # AppSync is not local
    result = prepared(root, LOCAL)
    res = result.body["Resources"]
    assert json.loads(res["Plain"]["Properties"]["DefinitionString"]) == ASL
    methods = [r for r in res.values() if r["Type"] == "AWS::ApiGateway::Method"]
    assert len(methods) >= 2  # GET /orders of both: the included API and the DefinitionUri one
    url = res["Queues"]["Properties"]["TemplateURL"]
    nested = json.loads(result.uploads[url.split("/bucket/")[1]])
    assert "Transform" not in nested and nested["Resources"]["Worker"]["Type"] == \
        "AWS::Lambda::Function"


def test_changes_to_included_or_nested_files_change_the_fingerprint(root):
    def parts():
        ws = load_workspace(root)
        return static_parts(ws, load_environment(ws, "local", None), "orders")
    first = parts()
    (root / "stacks/orders/api/openapi.yaml").write_text("openapi: 3.0.1\npaths: {}\n")
    second = parts()
    assert second["artifacts"] != first["artifacts"] and second["code"] == first["code"]
    (root / "stacks/orders/src/worker/app.py").write_text("def handler(e, c): return 3\n")
    third = parts()
    assert third["artifacts"] != second["artifacts"]
    assert parts() == third  # nothing read twice differently
    (root / "stacks/orders/nested/queues.yaml").write_text(NESTED + "  More:\n"
                                                          "    Type: AWS::SQS::Queue\n")
    fourth = parts()
    assert fourth["artifacts"] != third["artifacts"] and fourth["template"] == third["template"]


@pytest.mark.parametrize("rel, value, message", [
    ("api/openapi.yaml", "api/missing.yaml", r"Api.DefinitionUri: 'api/missing.yaml' does not"),
    ("api/openapi.yaml", "../../../outside.yaml", r"is outside the workspace"),
    ("nested/queues.yaml", "nested/nope.yaml", r"Queues.TemplateURL: 'nested/nope.yaml' does "),
])
def test_a_bad_path_is_bad_input_with_its_line(root, rel, value, message):
    template = root / "stacks/orders/template.yaml"
    (root / "outside.yaml").write_text("x: 1\n")
    text = template.read_text()
    target = "DefinitionUri: api/openapi.yaml" if rel.startswith("api") else \
        "TemplateURL: nested/queues.yaml"
    template.write_text(text.replace(target, target.split(":")[0] + ": " + value))
    ws = load_workspace(root)
    line = next(n for n, text in enumerate(template.read_text().splitlines(), 1) if value in text)
    with pytest.raises(ConfigError, match=message) as err:
        Preparer(backend(), ws.root, "bucket").prepare(ws.stacks["orders"])
    assert err.value.exit_code == 2 and err.value.line == line
    problems = localpaths.check(ws, ["orders"])
    assert [(p.path, p.line) for p in problems] == [("stacks/orders/template.yaml", line)]


def test_a_nested_template_that_nests_itself_is_refused(root):
    nested = root / "stacks/orders/nested/queues.yaml"
    nested.write_text(NESTED + "  Again:\n    Type: AWS::CloudFormation::Stack\n"
                      "    Properties:\n      TemplateURL: queues.yaml\n")
    ws = load_workspace(root)
    with pytest.raises(ConfigError, match="nests a template that contains it"):
        Preparer(backend(), ws.root, "bucket").prepare(ws.stacks["orders"])


def test_code_over_lambdas_limit_is_refused_before_reading(root):
    big = root / "stacks/orders/src/fn/model.bin"
    with open(big, "wb") as handle:
        handle.truncate(200 * 1024 * 1024)  # sparse: nothing written, nothing read
    layer = root / "stacks/orders/layers/deps.zip"
    assert localpaths.check(load_workspace(root), ["orders"]) == []  # 200 MB: fine alone
    with zipfile.ZipFile(layer, "w") as archive:  # a layer of 60 MB of zeros, zipped small
        archive.writestr("python/blob", b"\0" * (60 * 1024 * 1024))
    problems = localpaths.check(load_workspace(root), ["orders"])
    assert [p.message.split(" (")[0] for p in problems] == ["Fn: 260.0 MB unzipped"]
    assert "Fn 200.0 MB + Deps 60.0 MB" in problems[0].message
    with open(big, "wb") as handle:
        handle.truncate(1024 * 1024 * 1024)
    ws = load_workspace(root)
    with pytest.raises(ConfigError, match=r"Fn: 1,084.0 MB unzipped"):
        Preparer(backend(), ws.root, "bucket").prepare(ws.stacks["orders"])


def test_a_serverless_application_of_a_local_template_becomes_a_nested_stack(root):
    template = root / "stacks/orders/template.yaml"
    template.write_text(TEMPLATE.replace("    Type: AWS::CloudFormation::Stack\n    Properties:\n"
                                         "      TemplateURL:", "    Type: AWS::Serverless::"
                                         "Application\n    Properties:\n      Location:"))
    for can, prefix in ((AWS, "https://bucket.s3."), (LOCAL, "http://localhost:4566/bucket/")):
        result = prepared(root, can)
        queues = result.body["Resources"]["Queues"]
        url = queues["Properties"].get("TemplateURL") or queues["Properties"]["Location"]
        assert url.startswith(prefix) and url.split("/")[-1] in {
            key.split("/")[-1] for key in result.uploads}


def test_the_table_covers_what_sam_packages():
    """sam-cli's list of properties with local paths, less what ws leaves to sam on purpose."""
    from samcli.lib.utils.resources import RESOURCES_WITH_LOCAL_PATHS
    from ws.package.artifacts import FILE_PROPERTIES
    from ws.package.code import CODE_PROPERTIES
    ours = {(t, p.split(".")[-1] if "*" in p else p) for t, props in FILE_PROPERTIES.items()
            for p in props} | set(CODE_PROPERTIES.items())  # Resolvers.*.*.CodeUri: CodeUri
    theirs = {(t, p) for t, props in RESOURCES_WITH_LOCAL_PATHS.items() for p in props}
    assert ours <= theirs
    assert {t for t, _ in theirs - ours} == {
        "AWS::Serverless::WebFunction",  # not a CloudFormation/SAM type ws deploys
        "AWS::ElasticBeanstalk::ApplicationVersion", "AWS::CloudFormation::ModuleVersion",
        "AWS::CloudFormation::ResourceVersion", "AWS::CloudFormation::StackSet"}


def test_ws_validate_reports_a_missing_file_with_its_line(root):
    from ws.graph.stackgraph import build_graph
    from ws.lint.validate import quota_errors
    template = root / "stacks/orders/template.yaml"
    template.write_text(template.read_text().replace("statemachine/orders.asl.json",
                                                     "statemachine/gone.json", 1))
    ws = load_workspace(root)
    env = load_environment(ws, "local", None)
    found = quota_errors(ws, env, build_graph(ws, env))
    line = next(n for n, text in enumerate(template.read_text().splitlines(), 1)
                if "gone.json" in text)
    assert [(f.display, f.line, f.level) for f in found] == [
        ("stacks/orders/template.yaml", line, "error")]
    assert "Orders.DefinitionUri: 'statemachine/gone.json' does not exist" in found[0].message


def test_an_included_snippet_merges_into_the_mapping_that_includes_it(tmp_path):
    from ws.package.artifacts import local_files
    from ws.package.localfiles import package_files
    write_tree(tmp_path, {"queues.yaml": "Jobs:\n  Type: AWS::SQS::Queue\n  Properties:\n"
                                         "    QueueName: !Sub '${AWS::StackName}-jobs'\n"})
    body = {"Resources": {"Main": {"Type": "AWS::SQS::Queue"}, "Fn::Transform": {
        "Name": "AWS::Include", "Parameters": {"Location": "queues.yaml"}}}}
    files = local_files(body, tmp_path, tmp_path, "t.yaml", tmp_path / "t.yaml")
    uploads = {}
    inlined = package_files(body, files, "bucket", uploads.__setitem__, True, tmp_path)
    assert inlined["Resources"] == {"Main": {"Type": "AWS::SQS::Queue"}, "Jobs": {
        "Type": "AWS::SQS::Queue",
        "Properties": {"QueueName": {"Fn::Sub": "${AWS::StackName}-jobs"}}}}
    assert uploads == {}
    sent = package_files(body, files, "bucket", uploads.__setitem__, False, tmp_path)
    location = sent["Resources"]["Fn::Transform"]["Parameters"]["Location"]
    assert location == f"s3://bucket/{next(iter(uploads))}" and "Jobs" not in sent["Resources"]


def test_nested_templates_are_checked_before_deploying_too(root):
    ws = load_workspace(root)
    assert localpaths.templates(ws, ["orders"]) == {
        "stacks/orders/template.yaml": root / "stacks/orders/template.yaml",
        "stacks/orders/nested/queues.yaml": root / "stacks/orders/nested/queues.yaml"}


def test_a_sam_graphql_apis_schema_and_resolver_code_are_packaged(tmp_path):
    """As sam package does (GraphQLApiSchemaResource, GraphQLApiCodeResource): SchemaUri, and
    each CodeUri of Resolvers.<Type>.<Name> and Functions.<Name>."""
    from ws.package.artifacts import local_files
    from ws.package.localfiles import package_files
    write_tree(tmp_path, {"schema.graphql": "type Query { a: String }\n",
                          "resolvers/a.js": "export function request() {}\n",
                          "functions/f.js": "export function response() {}\n"})
    body = {"Resources": {"Api": {"Type": "AWS::Serverless::GraphQLApi", "Properties": {
        "SchemaUri": "schema.graphql",
        "Resolvers": {"Query": {"a": {"CodeUri": "resolvers/a.js", "Pipeline": ["f"]}}},
        "Functions": {"f": {"CodeUri": "functions/f.js", "DataSource": "NONE"}}}}}}
    files = local_files(body, tmp_path, tmp_path, "t.yaml", tmp_path / "t.yaml")
    assert sorted(f.value for f in files) == ["functions/f.js", "resolvers/a.js",
                                              "schema.graphql"]
    uploads = {}
    sent = package_files(body, files, "bucket", uploads.__setitem__, False, tmp_path)
    props = sent["Resources"]["Api"]["Properties"]
    assert props["SchemaUri"].startswith("s3://bucket/")
    assert props["Resolvers"]["Query"]["a"]["CodeUri"].startswith("s3://bucket/")
    assert props["Functions"]["f"]["CodeUri"].startswith("s3://bucket/") and len(uploads) == 3
