"""A function that fails to import a module, and names a layer of another account the local
endpoint cannot fetch, is told so in its error: on Lambda that layer may hold the module."""
from __future__ import annotations

import json

ROLE = {"Fn::GetAtt": ["Role", "Arn"]}
UNKNOWN = "arn:aws:lambda:us-east-1:123456789999:layer:SomeonesTracingLayer:9"  # unknown


def function(code: str) -> dict:
    return {"Type": "AWS::Lambda::Function", "Properties": {
        "Runtime": "python3.12", "Handler": "index.handler", "Role": ROLE,
        "Code": {"ZipFile": code}, "Layers": [UNKNOWN]}}


def test_an_import_error_names_the_layers_it_runs_without(stack, aws):
    names = stack.create({"Resources": {
        "Role": {"Type": "AWS::IAM::Role", "Properties": {
            "AssumeRolePolicyDocument": {"Statement": []}}},
        "Missing": function("import aws_xray_sdk\ndef handler(e, c):\n    return 1\n"),
        "Fine": function("def handler(e, c):\n    return 'ran'\n")},
        "Outputs": {"Missing": {"Value": {"Ref": "Missing"}},
                    "Fine": {"Value": {"Ref": "Fine"}}}})
    lam = aws("lambda")
    error = json.loads(lam.invoke(FunctionName=names["Missing"])["Payload"].read())
    assert error["errorType"] == "Runtime.ImportModuleError"
    assert error["errorMessage"].startswith(
        "Unable to import module 'index': No module named 'aws_xray_sdk' (the local endpoint "
        f"runs this function without {UNKNOWN}")
    assert json.loads(lam.invoke(FunctionName=names["Fine"])["Payload"].read()) == "ran"
