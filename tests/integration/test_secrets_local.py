"""A secret goes only to NoEcho parameters, whatever path a value takes (issue 24): an upstream
output whose value reads `${ssm:/name}` is data, on the local endpoint as on AWS."""
from __future__ import annotations

import json

from ws import api
from ws.engine.request import RunRequest
from ws.testing.workspaces import queue_template, workspace_files, write_tree

SECRET = "s3cr3t-value-on-the-endpoint"
LOOKS_LIKE = {"Fn::Join": ["", ["${", "ssm:/store/key}"]]}  # the text ${ssm:/store/key}
DOWN = json.dumps({
    "Parameters": {"In": {"Type": "String"}},
    "Resources": {"Bucket": {"Type": "AWS::S3::Bucket"}},
    "Outputs": {"Echo": {"Value": {"Ref": "In"}}, "BucketName": {"Value": {"Ref": "Bucket"}}}})


def test_an_output_reading_like_a_secret_reference_is_passed_as_text(tmp_path, endpoint, aws):
    aws("ssm").put_parameter(Name="/store/key", Value=SECRET, Type="SecureString")
    write_tree(tmp_path, {**workspace_files(
        up=(queue_template({"Out": {"Value": LOOKS_LIKE}}), {}),
        down=(DOWN, {"parameters": {"In": "${up.Out}"}, "assets": [{
            "source": "site", "bucket": "${self.BucketName}", "config": {"v": "${up.Out}"}}]})),
        "stacks/down/site/index.html": "<p>hi</p>\n"})
    report = api.deploy(tmp_path, "local", RunRequest())
    assert report.ok, report.error
    stack = aws("cloudformation").describe_stacks(StackName="demo-local-down")["Stacks"][0]
    assert stack["Parameters"] == [{"ParameterKey": "In", "ParameterValue": "${ssm:/store/key}"}]
    outputs = api.outputs(tmp_path, "local")
    assert outputs["down"]["Echo"] == "${ssm:/store/key}"
    bucket = outputs["down"]["BucketName"]
    config = aws("s3").get_object(Bucket=bucket, Key="config.json")["Body"].read()
    assert json.loads(config) == {"v": "${ssm:/store/key}"}
    seen = json.dumps([report.to_dict(), outputs, stack], default=str)
    assert SECRET not in seen
