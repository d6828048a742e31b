"""Updating a stack changes what ws's providers made, through the services' own APIs."""
from __future__ import annotations

import json

from test_provider_values import ROLE, res


def template(rate: str, action: str, secret: str, threshold: int, api_name: str) -> dict:
    return {"Resources": {
        "Role": res("AWS::IAM::Role", AssumeRolePolicyDocument={"Statement": []}),
        "Queue": res("AWS::SQS::Queue"),
        "Policy": res("AWS::SQS::QueuePolicy", Queues=[{"Ref": "Queue"}], PolicyDocument={
            "Statement": [{"Effect": "Allow", "Principal": "*", "Action": action}]}),
        "Schedule": res("AWS::Scheduler::Schedule", ScheduleExpression=rate,
                        FlexibleTimeWindow={"Mode": "OFF"},
                        Target={"Arn": {"Fn::GetAtt": ["Queue", "Arn"]}, "RoleArn": ROLE}),
        "Secret": res("AWS::SecretsManager::Secret", Name="store/db", SecretString=secret),
        "Alarm": res("AWS::CloudWatch::Alarm", MetricName="Errors", Namespace="AWS/Lambda",
                     ComparisonOperator="GreaterThanThreshold", EvaluationPeriods=1,
                     Period=60, Threshold=threshold, Statistic="Sum"),
        "Graph": res("AWS::AppSync::GraphQLApi", Name=api_name, AuthenticationType="API_KEY")},
        "Outputs": {"Queue": {"Value": {"Ref": "Queue"}},
                    "Schedule": {"Value": {"Ref": "Schedule"}},
                    "Secret": {"Value": {"Ref": "Secret"}},
                    "Alarm": {"Value": {"Ref": "Alarm"}},
                    "Graph": {"Value": {"Fn::GetAtt": ["Graph", "ApiId"]}}}}


def test_update_reaches_the_services(stack, aws):
    first = stack.create(template("rate(5 minutes)", "sqs:SendMessage", "one", 1, "store"))
    out = stack.update(template("rate(1 hour)", "sqs:ReceiveMessage", "two", 5, "shop"))
    policy = aws("sqs").get_queue_attributes(QueueUrl=out["Queue"], AttributeNames=["Policy"])
    assert "sqs:ReceiveMessage" in policy["Attributes"]["Policy"]
    assert aws("scheduler").get_schedule(Name=out["Schedule"])["ScheduleExpression"] == \
        "rate(1 hour)"
    assert aws("secretsmanager").get_secret_value(SecretId="store/db")["SecretString"] == "two"
    [alarm] = aws("cloudwatch").describe_alarms()["MetricAlarms"]
    assert alarm["Threshold"] == 5 and alarm["AlarmName"] == out["Alarm"] == first["Alarm"]
    [api] = aws("appsync").list_graphql_apis()["graphqlApis"]
    assert api["name"] == "shop" and api["apiId"] == out["Graph"] == first["Graph"]
    assert json.loads(policy["Attributes"]["Policy"])["Statement"][0]["Effect"] == "Allow"


def table(indexes: list[dict]) -> dict:
    props = {"BillingMode": "PAY_PER_REQUEST",
             "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"},
                                      {"AttributeName": "customer", "AttributeType": "S"}],
             "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}]}
    if indexes:
        props["GlobalSecondaryIndexes"] = indexes
    return {"Resources": {"Table": res("AWS::DynamoDB::Table", **props)},
            "Outputs": {"Name": {"Value": {"Ref": "Table"}},
                        "Arn": {"Value": {"Fn::GetAtt": ["Table", "Arn"]}}}}


BY_CUSTOMER = {"IndexName": "ByCustomer", "Projection": {"ProjectionType": "ALL"},
               "KeySchema": [{"AttributeName": "customer", "KeyType": "HASH"}]}


def test_a_table_gets_an_index_in_place_and_keeps_its_items(stack, aws):
    """As CloudFormation does; moto dropped the table from the stack (GetAtt Table failed)."""
    first = stack.create(table([]))
    ddb = aws("dynamodb")
    ddb.put_item(TableName=first["Name"], Item={"id": {"S": "o1"}, "customer": {"S": "ana"}})
    out = stack.update(table([BY_CUSTOMER]))
    assert out == first
    described = ddb.describe_table(TableName=out["Name"])["Table"]
    assert [i["IndexName"] for i in described["GlobalSecondaryIndexes"]] == ["ByCustomer"]
    found = ddb.query(TableName=out["Name"], IndexName="ByCustomer",
                      KeyConditionExpression="customer = :c",
                      ExpressionAttributeValues={":c": {"S": "ana"}})["Items"]
    assert [item["id"]["S"] for item in found] == ["o1"]
    assert stack.update(table([])) == first
    assert not ddb.describe_table(TableName=out["Name"])["Table"].get("GlobalSecondaryIndexes")


def test_a_kms_key_takes_tags_as_cloudformation_writes_them(stack, aws):
    """moto's KMS wanted TagKey/TagValue and failed the resource with 'TagKey'."""
    out = stack.create({"Resources": {"Key": res(
        "AWS::KMS::Key", KeyPolicy={"Statement": []},
        Tags=[{"Key": "team", "Value": "store"}])},
        "Outputs": {"Id": {"Value": {"Ref": "Key"}}}})
    tags = aws("kms").list_resource_tags(KeyId=out["Id"])["Tags"]
    assert tags == [{"TagKey": "team", "TagValue": "store"}]
