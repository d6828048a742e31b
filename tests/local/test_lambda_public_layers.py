"""A function using a well-known public layer of another account (AWS Lambda Powertools) runs
on the local endpoint: ws installs the layer's packages from PyPI once (the user's cache, kept
across runs) and maps them at /opt/python."""
from __future__ import annotations

import json

ROLE = {"Fn::GetAtt": ["Role", "Arn"]}
POWERTOOLS = ("arn:aws:lambda:us-east-1:017000801446:layer:"
              "AWSLambdaPowertoolsPythonV3-python312-x86_64:18")
CODE = """from aws_lambda_powertools import Logger, Tracer
import aws_lambda_powertools
logger, tracer = Logger(), Tracer()

@tracer.capture_lambda_handler
def handler(event, context):
    logger.info("hello")
    return aws_lambda_powertools.__file__.split("/")[-3:-1]  # /opt/python/...
"""


def test_a_powertools_layer_is_stood_in_for(stack, aws):
    names = stack.create({"Resources": {
        "Role": {"Type": "AWS::IAM::Role", "Properties": {
            "AssumeRolePolicyDocument": {"Statement": []}}},
        "Fn": {"Type": "AWS::Lambda::Function", "Properties": {
            "Runtime": "python3.12", "Handler": "index.handler", "Role": ROLE,
            "Code": {"ZipFile": CODE}, "Layers": [POWERTOOLS]}}},
        "Outputs": {"Fn": {"Value": {"Ref": "Fn"}}}})
    answer = aws("lambda").invoke(FunctionName=names["Fn"], LogType="Tail")
    payload = json.loads(answer["Payload"].read())
    assert "FunctionError" not in answer, payload
    assert payload == ["python", "aws_lambda_powertools"]
