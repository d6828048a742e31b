"""The whole store on the local endpoint: every resource checked through its own service API."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from ws import api
from ws.engine.request import RunRequest
from ws.errors import ConfigError

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def store(tmp_path, endpoint):
    """A copy of the repository's store workspace (so .ws/ state stays in tmp)."""
    for name in ("workspace.yaml", "stacks", "environments"):
        source = ROOT / name
        target = tmp_path / name
        if source.is_dir():
            shutil.copytree(source, target, ignore=shutil.ignore_patterns("__pycache__", ".ws"))
        else:
            shutil.copy(source, target)
    return tmp_path


def deployed(store):
    report = api.deploy(store, "local", RunRequest())
    assert report.ok, [(s.stack, s.status, s.reason) for s in report.stacks]
    return {s.stack: s.outputs for s in report.stacks}


def test_whole_store_is_real_then_gone(store, aws):
    out = deployed(store)
    assert set(out) == {"auth", "catalog", "payments-mock", "orders", "api", "ui"}
    again = api.deploy(store, "local", RunRequest())  # a plain deploy, nothing changed
    assert again.ok and {s.stack: s.status for s in again.stacks} == dict.fromkeys(out, "unchanged")

    idp = aws("cognito-idp")
    pool = idp.describe_user_pool(UserPoolId=out["auth"]["UserPoolId"])["UserPool"]
    assert pool["Arn"] == out["auth"]["UserPoolArn"]
    assert pool["Policies"]["PasswordPolicy"]["MinimumLength"] == 12
    client = idp.describe_user_pool_client(UserPoolId=pool["Id"],
                                           ClientId=out["auth"]["UserPoolClientId"])
    assert "ALLOW_USER_PASSWORD_AUTH" in client["UserPoolClient"]["ExplicitAuthFlows"]

    ddb = aws("dynamodb")
    products = ddb.describe_table(TableName=out["catalog"]["ProductsTableName"])["Table"]
    assert products["KeySchema"] == [{"AttributeName": "product_id", "KeyType": "HASH"}]
    orders = ddb.describe_table(TableName=out["orders"]["OrdersTableName"])["Table"]
    assert orders["KeySchema"][0]["AttributeName"] == "order_id"

    sqs = aws("sqs")
    attrs = sqs.get_queue_attributes(QueueUrl=out["orders"]["OrdersQueueUrl"],
                                     AttributeNames=["All"])["Attributes"]
    assert attrs["QueueArn"] == out["orders"]["OrdersQueueArn"]
    assert json.loads(attrs["RedrivePolicy"])["maxReceiveCount"] == 5

    lam = aws("lambda")
    functions = {f["FunctionName"]: f for f in lam.list_functions()["Functions"]}
    assert len(functions) == 5  # updater, payments, processor, products, orders-api
    processor = next(name for name in functions if "ProcessorFunction" in name)
    env = functions[processor]["Environment"]["Variables"]
    assert env["PAYMENT_PROVIDER_URL"] == out["payments-mock"]["PaymentsUrl"]
    key_name = out["payments-mock"]["ApiKeyParameterName"]
    assert env["PAYMENT_KEY_PARAMETER"] == key_name  # the key's name: read at run time
    key = aws("ssm").get_parameter(Name=key_name, WithDecryption=True)["Parameter"]["Value"]
    assert key not in json.dumps(env)  # the key itself is not in the environment
    orders_api = next(f for name, f in functions.items() if "OrdersApiFunction" in name)
    assert orders_api["Environment"]["Variables"]["PRODUCTS_TABLE"] == \
        out["catalog"]["ProductsTableName"]  # orders are priced from the catalog
    mappings = lam.list_event_source_mappings(FunctionName=processor)["EventSourceMappings"]
    assert [m["EventSourceArn"] for m in mappings] == [out["orders"]["OrdersQueueArn"]]
    products_fn = next(f for name, f in functions.items() if "ProductsFunction" in name)
    assert products_fn["Environment"]["Variables"]["PRODUCTS_TABLE"] == \
        out["catalog"]["ProductsTableName"]  # through Fn::ImportValue

    gateway = aws("apigateway")
    api_id = out["api"]["ApiId"]
    routes = {r["path"]: r for r in gateway.get_resources(restApiId=api_id)["items"]}
    assert {"/products", "/products/{product_id}", "/orders", "/orders/{order_id}"} <= set(routes)
    [authorizer] = gateway.get_authorizers(restApiId=api_id)["items"]
    assert authorizer["type"] == "COGNITO_USER_POOLS"
    assert authorizer["providerARNs"] == [out["auth"]["UserPoolArn"]]
    method = gateway.get_method(restApiId=api_id, resourceId=routes["/orders"]["id"],
                                httpMethod="POST")
    assert method["authorizationType"] == "COGNITO_USER_POOLS"
    assert method["authorizerId"] == authorizer["id"]
    assert method["methodIntegration"]["type"] == "AWS_PROXY"
    assert "OrdersApiFunction" in method["methodIntegration"]["uri"]
    assert gateway.get_stage(restApiId=api_id, stageName="v1")["stageName"] == "v1"

    cloudfront = aws("cloudfront")
    dist = cloudfront.get_distribution(Id=out["ui"]["DistributionId"])["Distribution"]
    assert dist["DomainName"] == out["ui"]["DistributionDomainName"]
    origin = dist["DistributionConfig"]["Origins"]["Items"][0]
    assert origin["DomainName"].startswith(out["ui"]["BucketName"])
    assert out["api"]["ApiUrl"] in dist["DistributionConfig"]["Comment"]
    policy = json.loads(aws("s3").get_bucket_policy(Bucket=out["ui"]["BucketName"])["Policy"])
    condition = policy["Statement"][0]["Condition"]["StringEquals"]["AWS:SourceArn"]
    assert condition.endswith(f"distribution/{out['ui']['DistributionId']}")

    again = deployed(store)  # a second deploy updates in place: same resources
    assert again["auth"]["UserPoolId"] == out["auth"]["UserPoolId"]
    assert again["ui"]["DistributionId"] == out["ui"]["DistributionId"]

    report = api.destroy(store, "local", RunRequest())
    assert report.ok and {s.status for s in report.stacks} == {"deleted"}
    assert idp.list_user_pools(MaxResults=10)["UserPools"] == []
    assert ddb.list_tables()["TableNames"] == ["ws-locks"]  # ws's own lock table stays
    assert sqs.list_queues().get("QueueUrls", []) == []
    assert lam.list_functions()["Functions"] == []
    assert gateway.get_rest_apis()["items"] == []
    assert cloudfront.list_distributions()["DistributionList"].get("Items", []) == []
    remaining = [b["Name"] for b in aws("s3").list_buckets()["Buckets"]]
    assert remaining == ["ws-123456789012-us-east-1-store"]  # only the artifact cache stays


def test_placeholder_type_is_refused_before_anything_deploys_when_strict(store, aws):
    template = store / "stacks/catalog/template.yaml"
    template.write_text(template.read_text().replace(
        "Resources:\n", "Resources:\n  Search:\n    Type: AWS::OpenSearchService::Domain\n", 1))
    with (store / "environments/local.yaml").open("a") as env:
        env.write("placeholders: error\n")
    with pytest.raises(ConfigError) as info:
        api.deploy(store, "local", RunRequest())
    assert str(info.value).startswith("stacks/catalog/template.yaml: the local endpoint cannot "
                                      "create: Search (AWS::OpenSearchService::Domain)")
    assert aws("cloudformation").describe_stacks()["Stacks"] == []
