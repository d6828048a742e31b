"""bench_corpus.py's classifier: whose failure each first error of a real run is."""
from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[1] / "bench"


def _load(name: str):
    spec = importlib.util.spec_from_file_location(name, BENCH / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


classify_mod = _load("corpus_classify")
templates_mod = _load("corpus_templates")
Context = classify_mod.Context

# First errors as bench_corpus.py printed them on 134 public templates (paths shortened).
CASES = [
    ("read", "serverless-graphql-api/javascript-appsync-sam-js/template.yaml:44: invalid "
     "template: expected <block end>, but found '<scalar>'", "template"),
    ("check", "error: apigw-vtl-editor/template.yaml: invalid SAM template: Resource with id "
     "[VTLProcessorFunctionProcessVTL] is invalid. property Cors not defined for resource of "
     "type Api (and 40 more)", "template"),
    ("check", "error: appsync-dynamodb-singletable/template.yaml:56: E0000 Duplicate found "
     "'AuthenticationType' (line 56) (and 1 more)", "ws"),
    ("check", "error: owasp/rewards/template.yaml:132: E6101 'GraphQLUrl' is not one of [] in "
     "['us-east-1']", "ws"),
    ("check", "error: python-test-samples/step-functions-local-lambda/template.yaml:21: E3663 "
     "'AWS_ACCESS_KEY_ID' is a reserved variable name", "template"),
    ("check", "error: apigw-execution-access-logs/template.yaml:37: E1019 {'Fn::Sub': "
     "'${AccessLogGroup}'} does not match '^[.\\-_/#A-Za-z0-9]{1,512}\\Z' when 'Fn::Sub' is "
     "resolved", "template"),
    ("check", "error: qldb-kinesis-lambda-dynamodb/template.yaml:107: E3710 Resource type "
     "'AWS::QLDB::Stream' is from a service that was shut down on 2025-07-31", "template"),
    ("check", "error: apigw-lambda-request-validator/template.yaml: the local endpoint cannot "
     "create: LambdaFunction (AWS::Serverless::Function) (and 3 more)", "endpoint"),
    ("check", "error: cloudtrail-eventbridge-lambda-dynamodb-sam/template.yaml:15: "
     "SubmitFunction: code 'src/function.py' is a file, not a folder or a .zip/.jar", "ws"),
    ("build", "MyFunction: sam build failed for MyFunction: Running JavaMavenWorkflow:CopySource "
     "/ Running JavaMavenWorkflow:MavenBuild / Error: JavaMavenWorkflow:MavenBuild - Maven "
     "Failed:", "toolchain"),
    ("build", "FindSchedules: esbuild failed: / You can mark the path \"uuid\" as external to "
     "exclude it from the bundle / 1 error", "template"),
    ("build", "EventSchemaValidationLogPolicyLambdaFunction: npm install of lambda/package.json "
     "failed: npm error 404", "toolchain"),
    ("deploy", "ROLLBACK_COMPLETE: APIGWIDParameter CREATE_FAILED: string indices must be "
     "integers, not 'str'", "endpoint"),
    ("deploy", "ROLLBACK_COMPLETE: S3Bucket CREATE_FAILED: The requested bucket name is not "
     "available.", "endpoint"),
    ("deploy", "ROLLBACK_COMPLETE: AuthorizerFunction CREATE_FAILED: No export named "
     "serverless-api-cognito-UserPoolAdminGroupName found.", "template"),
    ("deploy", "ROLLBACK_COMPLETE: EmailIdentityCNAMERecord1 CREATE_FAILED: 'HostedZoneId'",
     "endpoint"),
    ("deploy", "traceback: KeyError: 'stacks'", "ws"),
    ("invoke", "BedrockLambdaFunction did not run: {\"errorType\":\"Runtime.ImportModuleError\","
     "\"errorMessage\":\"Error: Cannot find package '@aws-sdk/client-bedrock-runtime'", "endpoint"),
    ("invoke", "UsersFunction did not run: {\"errorMessage\": \"Unable to import module 'app': "
     "No module named 'psycopg2._psycopg'\", \"errorType\": \"Runtime.ImportModuleError\"", "ws"),
    ("invoke", "PythonTestDemo did not run: {\"errorMessage\": \"Unable to import module 'app': "
     "cannot import name 'DocumentModifiedShape' from 'botocore.docs.utils' (/tmp/wscorpus-mvd"
     "y8lts/serverless-test-samples/python-test-samples/apigw-lambda/.ws/local/functions/", "ws"),
    ("invoke", "LambdaFunction did not run: {\"errorMessage\": \"Unable to import module 'index': "
     "An error occurred (500) when calling the DescribeEndpoints operation", "endpoint"),
    ("route", "POST /ask: 500 {\"message\": \"Internal server error\"}", "endpoint"),
]


@pytest.mark.parametrize("stage,error,expected", CASES)
def test_each_first_error_has_its_class(stage: str, error: str, expected: str) -> None:
    assert classify_mod.classify(stage, error)[0] == expected


def test_dotnet_is_the_toolchain_only_where_dotnet_is_missing(monkeypatch) -> None:
    error = ("DeleteProductFunction: sam build failed for DeleteProductFunction: Workflow "
             "DotnetCliPackageBuilder / Error: DotnetCliPackageBuilder:Resolver - No dotnet "
             "cli executable found!")
    monkeypatch.setattr(classify_mod.shutil, "which", lambda tool: None)
    assert classify_mod.classify("build", error)[0] == "toolchain"
    monkeypatch.setattr(classify_mod.shutil, "which", lambda tool: f"/usr/bin/{tool}")
    assert classify_mod.classify("build", error)[0] == "ws"


def test_an_export_another_template_makes_is_wiring() -> None:
    error = "ROLLBACK_COMPLETE: F CREATE_FAILED: No export named api-kb-KnowledgeBaseId found."
    made = classify_mod.export_pattern({"Fn::Sub": "${AWS::StackName}-KnowledgeBaseId"}, {})
    assert classify_mod.classify("deploy", error, Context(exports=(made,)))[0] == "ws"
    other = classify_mod.export_pattern("KnowledgeBase", {})
    assert classify_mod.classify("deploy", error, Context(exports=(other,)))[0] == "template"


def _reason(start: str) -> str:
    return next(rule.reason for rule in classify_mod.RULES if rule.reason.startswith(start))


def test_ws_refusing_an_import_nothing_exports_is_classed_as_the_deploy_failure_was() -> None:
    error = ("stacks/a/template.yaml:5: Fn::ImportValue 'LambdaDLQArn': no stack of the "
             "workspace exports it, and the local endpoint holds only what ws deploys")
    made = classify_mod.export_pattern("LambdaDLQArn", {})
    assert classify_mod.classify("check", error, Context(exports=(made,)))[0] == "ws"
    assert classify_mod.classify("check", error, Context())[0] == "template"


def test_a_code_path_is_the_templates_only_when_the_project_lacks_it(tmp_path: Path) -> None:
    missing = "error: t/template.yaml:11: Consumer: code folder 'src/' does not exist"
    built = ("error: t/template.yaml:48: Fn: code file 'target/Fn.zip' does not exist")
    assert classify_mod.classify("check", missing, Context(folder=tmp_path)) == (
        "template", _reason("a code path missing"))
    assert classify_mod.classify("check", built, Context(folder=tmp_path)) == (
        "template", _reason("the output of the project"))
    (tmp_path / "src").mkdir()  # there after all: ws looked in the wrong place
    assert classify_mod.classify("check", missing, Context(folder=tmp_path))[0] == "ws"


def test_made_up_values_and_fake_defaults_are_the_templates() -> None:
    error = "ROLLBACK_COMPLETE: DynamoDBVpcEndpoint CREATE_FAILED: VpcID vpc-0123456789abcdef0 " \
            "does not exist."
    made_up = Context(filled={"VpcId": "vpc-0123456789abcdef0"})
    assert classify_mod.classify("deploy", error, made_up)[0] == "template"
    fake_default = Context(defaults={"VpcId": "vpc-0123456789abcdef0"})
    assert classify_mod.classify("deploy", error, fake_default)[0] == "template"
    assert classify_mod.classify("deploy", error)[0] == "endpoint"
    arn = "ROLLBACK_COMPLETE: P CREATE_FAILED: Resource eda-p0/* must be in ARN format or \"*\"."
    assert classify_mod.classify("deploy", arn, Context(filled={"A": "eda-p0"}))[0] == "template"


def test_a_made_up_value_inside_a_path_is_not_quoted() -> None:
    error = ("ROLLBACK_COMPLETE: DataSourceSync CREATE_FAILED: custom resource DataSourceSync "
             "failed: Invalid length for parameter indexId, value: 10, valid min length: 36\", "
             "\"stackTrace\": [\" File \\\"/tmp/wscorpus-zzjcjjhs/corpus/.ws/local/functions/")
    ctx = Context(filled={"IndexId": "wscorpus"})
    assert classify_mod.classify("deploy", error, ctx)[0] == "endpoint"


def test_sdk_v2_is_the_templates_on_node18_only() -> None:
    error = "F did not run: {\"errorType\":\"Runtime.ImportModuleError\",\"errorMessage\":" \
            "\"Error: Cannot find module 'aws-sdk'"
    assert classify_mod.classify("invoke", error, Context(runtime="nodejs20.x"))[0] == "template"
    assert classify_mod.classify("invoke", error, Context(runtime="nodejs16.x"))[0] != "template"


def test_every_rule_is_in_the_legend() -> None:
    assert len(classify_mod.legend()) == len(classify_mod.RULES)
    assert all(re.match(r"  (template|toolchain|ws|endpoint) ", line)
               for line in classify_mod.legend())


def test_the_failed_type_comes_from_the_logical_id_or_the_line(tmp_path: Path) -> None:
    template = tmp_path / "template.yaml"
    template.write_text("Resources:\n  Bucket:\n    Type: AWS::S3::Bucket\n"
                        "  Api:\n    Type: AWS::Serverless::Api\n    Properties:\n"
                        "      StageName: x\n")
    facts = templates_mod.read_facts(template)
    assert templates_mod.failed_type("ROLLBACK_COMPLETE: Bucket CREATE_FAILED: no", facts) \
        == "AWS::S3::Bucket"
    assert templates_mod.failed_type("ROLLBACK_COMPLETE: ApiDeployment1a2b CREATE_FAILED: x",
                                     facts) == "AWS::Serverless::Api"
    assert templates_mod.failed_type("error: t/template.yaml:7: E3012 bad", facts) \
        == "AWS::Serverless::Api"
    assert templates_mod.failed_type("the local endpoint cannot create: AWS::QLDB::Stream",
                                     facts) == "AWS::QLDB::Stream"


def test_a_nested_templates_line_is_looked_up_in_that_template(tmp_path: Path) -> None:
    report = _load("corpus_report")
    project = tmp_path / "corpus" / "demo"
    (project / "orders").mkdir(parents=True)
    (project / "template.yaml").write_text(
        "Resources:\n  Orders:\n    Type: AWS::CloudFormation::Stack\n")
    (project / "orders" / "template.yaml").write_text(
        "Resources:\n  Q:\n    Type: AWS::SQS::Queue\n")

    class Result:
        error = "error: corpus/demo/orders/template.yaml:3: E3514 'Q.Arn' does not match"
        folder = "corpus/demo"
        template = str(project / "template.yaml")
    assert report.named_file(Result()) == project / "orders" / "template.yaml"


def test_a_placeholder_function_is_the_toolchains():
    error = ('MyFunction did not run: {"errorType": "Runtime.Unsupported", "errorMessage": '
             '"java25 does not run locally: its build failed (JavaMavenWorkflow:MavenBuild)"}')
    assert classify_mod.classify("invoke", error)[0] == "toolchain"


@pytest.mark.parametrize("stage, error, cls", [
    ("check", "template.yaml:23: LambdaFunction is AWS::Serverless::Function, which needs the "
              "SAM transform: add 'Transform: AWS::Serverless-2016-10-31'", "template"),
    ("build", 'FindSchedules: esbuild failed: / You can mark the path "uuid" as external to '
              "exclude it from the bundle", "template"),
    ("build", "Fn: npm install of lambda/package.json failed: npm error 404 / npm error 404 "
              "Note that", "toolchain")])
def test_what_sam_and_cloudformation_refuse_too_is_not_ws(stage, error, cls):
    assert classify_mod.classify(stage, error)[0] == cls


def test_a_policy_arn_written_as_text_is_the_templates() -> None:
    error = ("error: owasp/fulfillment/template.yaml:81: E3514 'FulfillmentQ.Arn' is text, not an "
             "ARN: CloudFormation passes it as it is written; write !GetAtt FulfillmentQ.Arn for "
             "the ARN of FulfillmentQ")
    assert classify_mod.classify("check", error)[0] == "template"


def test_a_handler_file_missing_from_the_project_is_the_templates(tmp_path: Path) -> None:
    error = ("OpenAPIValidatorFunction did not run: {\"errorType\":\"Runtime.ImportModuleError\","
             "\"errorMessage\":\"Error: Cannot find module 'index'\",\"trace\":[]}")
    assert classify_mod.classify("invoke", error, Context(folder=tmp_path))[0] == "template"
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "index.mjs").write_text("export const handler = async () => 1;\n")
    assert classify_mod.classify("invoke", error, Context(folder=tmp_path))[0] == "ws"
    dependency = ("F did not run: {\"errorType\":\"Runtime.ImportModuleError\",\"errorMessage\":"
                  "\"Error: Cannot find module 'uuid'\\nRequire stack:\\n- /tmp/x/index.js\"}")
    assert classify_mod.classify("invoke", dependency, Context(folder=tmp_path))[0] == "ws"


def test_a_route_to_placeholder_functions_is_the_toolchains() -> None:
    error = "GET /stock/{StockId}: 500 {\"message\": \"Internal Server Error\"}"
    assert classify_mod.classify("route", error, Context(placeholders=True))[0] == "toolchain"
    assert classify_mod.classify("route", error, Context(placeholders=False))[0] == "endpoint"
    other = "GET /: 404 {\"message\": \"Not Found\"}"
    assert classify_mod.classify("route", other, Context(placeholders=True))[0] == "endpoint"
