"""Every stack: its template translates offline, has the expected resources, and its stack.yaml
wires only to parameters and outputs that exist."""
from __future__ import annotations

import copy
import re

import pytest
import yaml
from samcli.yamlhelper import yaml_parse
from samtranslator.parser.parser import Parser
from samtranslator.translator.translator import Translator

from stack_helpers import STACKS

EXPECTED = {
    "payments-mock": {"AWS::Lambda::Function", "AWS::ApiGateway::RestApi",
                      "AWS::ApiGateway::Stage", "AWS::SSM::Parameter"},
    "auth": {"AWS::Cognito::UserPool", "AWS::Cognito::UserPoolClient"},
    "catalog": {"AWS::DynamoDB::Table", "AWS::Lambda::Function", "AWS::Events::Rule",
                "Custom::CatalogSeed"},
    "orders": {"AWS::DynamoDB::Table", "AWS::SQS::Queue", "AWS::Lambda::Function",
               "AWS::Lambda::EventSourceMapping"},
    "api": {"AWS::ApiGateway::RestApi", "AWS::ApiGateway::Stage", "AWS::Lambda::Function",
            "AWS::Lambda::Permission"},
    "ui": {"AWS::S3::Bucket", "AWS::S3::BucketPolicy", "AWS::CloudFront::Distribution",
           "AWS::CloudFront::OriginAccessControl"},
}
STACK_KEYS = {"description", "depends_on", "mock", "parameters", "assets", "targets"}
# Properties that would give a resource a physical name shared by every developer's copy.
NAME_PROPERTIES = {"TableName", "QueueName", "BucketName", "FunctionName", "UserPoolName",
                   "ClientName", "RoleName", "Name"}
REFERENCE = re.compile(r"\$\{([A-Za-z0-9_-]+)\.([A-Za-z0-9_]+)\}")


def template(stack: str) -> dict:
    return yaml_parse((STACKS / stack / "template.yaml").read_text())


def stack_config(stack: str) -> dict:
    return yaml.safe_load((STACKS / stack / "stack.yaml").read_text())


def translated(stack: str, monkeypatch) -> dict:
    """Plain CloudFormation, as ws makes it once `sam build` has uploaded the code."""
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    body = copy.deepcopy(template(stack))
    for resource in body["Resources"].values():
        if resource["Type"] == "AWS::Serverless::Function":
            resource["Properties"]["CodeUri"] = "s3://artifacts/code.zip"
    return Translator(None, Parser()).translate(body, parameter_values={},
                                                get_managed_policy_map=lambda: {})


def test_the_store_has_its_six_stacks():
    assert {p.parent.name for p in STACKS.glob("*/stack.yaml")} == set(EXPECTED)


@pytest.mark.parametrize("stack", sorted(EXPECTED))
def test_translates_to_the_expected_resources(stack, monkeypatch):
    body = template(stack)
    assert body["Transform"] == "AWS::Serverless-2016-10-31"
    types = {r["Type"] for r in translated(stack, monkeypatch)["Resources"].values()}
    assert EXPECTED[stack] <= types
    assert not (types - EXPECTED[stack]) & {"AWS::SSM::Parameter"}  # only where declared


@pytest.mark.parametrize("stack", sorted(EXPECTED))
def test_functions_are_python311_with_their_code(stack):
    for logical, resource in template(stack)["Resources"].items():
        if resource["Type"] != "AWS::Serverless::Function":
            continue
        props = {**template(stack).get("Globals", {}).get("Function", {}), **resource["Properties"]}
        assert props["Runtime"] == "python3.11" and props["Handler"] == "handler.handler", logical
        assert re.fullmatch(r"src/\w+/", props["CodeUri"]), logical
        assert (STACKS / stack / props["CodeUri"] / "handler.py").is_file(), logical


@pytest.mark.parametrize("stack", sorted(EXPECTED))
def test_no_hard_coded_physical_names(stack):
    """A name is left to CloudFormation, or made from the stack's own (unique) name."""
    for logical, resource in template(stack)["Resources"].items():
        properties = resource.get("Properties") or {}
        named = {key for key in NAME_PROPERTIES & set(properties)
                 if "${AWS::StackName}" not in str(properties[key])}
        assert not named, f"{stack}: {logical} sets {named}"


@pytest.mark.parametrize("stack", sorted(EXPECTED))
def test_stack_yaml_matches_the_template(stack):
    config = stack_config(stack)
    assert set(config) <= STACK_KEYS and isinstance(config["description"], str)
    params = template(stack).get("Parameters", {})
    given = config.get("parameters") or {}
    assert set(given) <= set(params), "stack.yaml sets parameters the template lacks"
    required = {name for name, spec in params.items() if "Default" not in spec}
    assert required <= set(given), f"no value for {required - set(given)}"


def test_every_reference_names_an_existing_output():
    references = [(stack, target, output) for stack in EXPECTED
                  for value in (stack_config(stack).get("parameters") or {}).values()
                  for target, output in REFERENCE.findall(str(value))]
    assert len(references) >= 7
    for stack, target, output in references:
        if target == "ws":
            assert output in {"prefix", "env", "workspace"}, (stack, output)
            continue
        assert target != stack and target in EXPECTED, (stack, target)
        assert output in template(target).get("Outputs", {}), f"{stack}: ${{{target}.{output}}}"


def test_only_the_payment_provider_is_a_mock():
    assert {s for s in EXPECTED if stack_config(s).get("mock")} == {"payments-mock"}


def test_exports_are_prefixed_and_imported_by_name():
    auth = template("auth")["Outputs"]["UserPoolArn"]["Export"]["Name"]
    catalog = template("catalog")["Outputs"]["ProductsTableName"]["Export"]["Name"]
    assert (auth, catalog) == ({"Fn::Sub": "${Prefix}-auth-UserPoolArn"},
                               {"Fn::Sub": "${Prefix}-catalog-ProductsTableName"})
    env = template("api")["Resources"]["ProductsFunction"]["Properties"]["Environment"]
    assert env["Variables"]["PRODUCTS_TABLE"] == {"Fn::ImportValue": catalog}


def test_api_routes_all_sit_behind_the_cognito_authorizer(monkeypatch):
    resources = translated("api", monkeypatch)["Resources"]
    spec = resources["StoreApi"]["Properties"]["Body"]
    auth = spec["securityDefinitions"]["CognitoAuth"]
    assert auth["x-amazon-apigateway-authorizer"]["providerARNs"] == [{"Ref": "UserPoolArn"}]
    routes = {(path, verb): op for path, ops in spec["paths"].items() for verb, op in ops.items()
              if verb != "options"}
    assert set(routes) == {("/products", "get"), ("/products/{product_id}", "get"),
                           ("/orders", "post"), ("/orders", "get"), ("/orders/{order_id}", "get")}
    assert all(op["security"] == [{"CognitoAuth": []}] for op in routes.values())
    # CORS preflights (the site is on CloudFront's domain): a mock, without the authorizer
    preflights = [ops["options"] for ops in spec["paths"].values()]
    assert len(preflights) == 4 and all("security" not in op and op[
        "x-amazon-apigateway-integration"]["type"] == "mock" for op in preflights)
    gateway = spec["x-amazon-apigateway-gateway-responses"]
    assert all(gateway[kind]["responseParameters"] == {
        "gatewayresponse.header.Access-Control-Allow-Origin": "'*'"}
        for kind in ("DEFAULT_4XX", "DEFAULT_5XX"))
    assert resources["StoreApiv1Stage"]["Properties"]["StageName"] == "v1"


def test_ui_bucket_is_private_and_readable_only_by_its_distribution():
    resources = template("ui")["Resources"]
    block = resources["WebsiteBucket"]["Properties"]["PublicAccessBlockConfiguration"]
    assert all(block.values()) and len(block) == 4
    [statement] = resources["WebsiteBucketPolicy"]["Properties"]["PolicyDocument"]["Statement"]
    assert statement["Principal"] == {"Service": "cloudfront.amazonaws.com"}
    assert statement["Action"] == "s3:GetObject"
    assert statement["Condition"]["StringEquals"]["AWS:SourceArn"] == {"Fn::Sub": (
        "arn:${AWS::Partition}:cloudfront::${AWS::AccountId}:distribution/${Distribution}")}
    config = resources["Distribution"]["Properties"]["DistributionConfig"]
    assert config["DefaultRootObject"] == "index.html"
    assert config["DefaultCacheBehavior"]["ViewerProtocolPolicy"] == "redirect-to-https"


def test_the_payments_key_is_read_at_run_time_from_the_parameter_the_stack_names():
    orders = template("orders")
    assert not any(spec.get("NoEcho") for spec in orders["Parameters"].values())
    name = orders["Parameters"]["PaymentKeyParameterName"]
    assert "Default" not in name and re.fullmatch(name["AllowedPattern"], "/store/prod/key")
    assert not re.fullmatch(name["AllowedPattern"], "store/prod/key")  # the ARN needs the /
    assert stack_config("orders")["parameters"]["PaymentKeyParameterName"] == \
        "${payments-mock.ApiKeyParameterName}"
    processor = orders["Resources"]["ProcessorFunction"]["Properties"]
    env = processor["Environment"]["Variables"]
    assert env["PAYMENT_KEY_PARAMETER"] == {"Ref": "PaymentKeyParameterName"}
    assert not {var for var in env if "KEY" in var} - {"PAYMENT_KEY_PARAMETER"}
    [statement] = [p["Statement"] for p in processor["Policies"]
                   if "Statement" in p and "ssm" in str(p["Statement"])]
    assert statement == [{"Effect": "Allow", "Action": "ssm:GetParameter", "Resource": {
        "Fn::Sub": "arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:parameter"
                   "${PaymentKeyParameterName}"}}]  # that one parameter, read only


@pytest.mark.parametrize("env", ["staging", "prod"])
def test_real_environments_name_the_providers_secure_string(env):
    config = yaml.safe_load((STACKS.parent / "environments" / f"{env}.yaml").read_text())
    orders = config["parameters"]["orders"]
    assert orders["PaymentKeyParameterName"] == f"/store/{env}/payments-api-key"
    assert "PaymentsApiKey" not in orders and "${" not in str(orders)  # a name, not a value


def test_the_mock_publishes_the_key_it_accepts_in_ssm():
    mock = template("payments-mock")
    parameter = mock["Resources"]["ApiKeyParameter"]
    assert parameter["Type"] == "AWS::SSM::Parameter"
    assert parameter["Properties"]["Type"] == "String"  # CloudFormation makes no SecureString
    assert parameter["Properties"]["Name"] == {"Fn::Sub": "/${AWS::StackName}/api-key"}
    assert mock["Outputs"]["ApiKeyParameterName"]["Value"] == {"Ref": "ApiKeyParameter"}
    # The key the mock accepts is the one it publishes: both come from the same source.
    accepted = mock["Resources"]["PaymentsFunction"]["Properties"]["Environment"]["Variables"]
    assert accepted["EXPECTED_API_KEY"] == parameter["Properties"]["Value"]


def test_orders_are_priced_from_the_catalog_the_api_imports():
    products = template("api")["Resources"]["OrdersApiFunction"]["Properties"]
    catalog = {"Fn::ImportValue": {"Fn::Sub": "${Prefix}-catalog-ProductsTableName"}}
    assert products["Environment"]["Variables"]["PRODUCTS_TABLE"] == catalog
    assert {"DynamoDBReadPolicy": {"TableName": catalog}} in products["Policies"]
    assert not any("DynamoDBCrudPolicy" in p and p["DynamoDBCrudPolicy"]["TableName"] == catalog
                   for p in products["Policies"])  # the API never writes the catalog


def test_only_the_api_creates_orders():
    functions = {logical for stack in EXPECTED
                 for logical, resource in template(stack)["Resources"].items()
                 if resource["Type"] == "AWS::Serverless::Function"}
    assert "OrdersFunction" not in functions and "OrdersApiFunction" in functions
    assert not (STACKS / "orders/src/orders").exists()


def test_orders_are_listed_through_an_index_by_customer():
    table = template("orders")["Resources"]["OrdersTable"]["Properties"]
    [index] = table["GlobalSecondaryIndexes"]
    assert index["KeySchema"] == [{"AttributeName": "customer", "KeyType": "HASH"},
                                  {"AttributeName": "created_at", "KeyType": "RANGE"}]
    assert table["KeySchema"] == [{"AttributeName": "order_id", "KeyType": "HASH"}]  # kept
    api = template("api")["Resources"]["OrdersApiFunction"]["Properties"]
    assert api["Environment"]["Variables"]["ORDERS_INDEX"] == index["IndexName"]
    assert {"DynamoDBCrudPolicy": {"TableName": {"Ref": "OrdersTableName"}}} in api["Policies"]


def test_the_processor_may_update_the_catalogs_stock_and_nothing_else_of_it():
    assert stack_config("orders")["parameters"]["ProductsTableName"] == \
        "${catalog.ProductsTableName}"
    processor = template("orders")["Resources"]["ProcessorFunction"]["Properties"]
    assert processor["Environment"]["Variables"]["PRODUCTS_TABLE"] == {"Ref": "ProductsTableName"}
    statements = [s for p in processor["Policies"] if "Statement" in p for s in p["Statement"]]
    catalog = [s for s in statements if "dynamodb" in str(s["Action"])]
    assert catalog == [{"Effect": "Allow", "Action": ["dynamodb:BatchGetItem", "dynamodb:UpdateItem"],
                        "Resource": {"Fn::Sub": "arn:${AWS::Partition}:dynamodb:${AWS::Region}:"
                                                "${AWS::AccountId}:table/${ProductsTableName}"}}]
