"""A deploy to the local endpoint names, once per stack, the functions that cannot run there."""
from __future__ import annotations

import json

from ws import api
from ws.engine.request import Observer, RunRequest
from ws.local.lambdas.deploynotes import deploy_line, layer_line
from ws.testing.workspaces import workspace_files, write_tree

ROLE = {"Type": "AWS::IAM::Role", "Properties": {"AssumeRolePolicyDocument": {
    "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                                            "Principal": {"Service": "lambda.amazonaws.com"}}]}}}


def function(runtime: str, handler: str = "index.handler") -> dict:
    return {"Type": "AWS::Lambda::Function", "Properties": {
        "Runtime": runtime, "Handler": handler, "Code": {"ZipFile": "x"},
        "Role": {"Fn::GetAtt": ["Role", "Arn"]}}}


def test_the_line_lists_what_cannot_run():
    body = {"Resources": {"Role": ROLE, "Py": function("python3.12"), "Js": function("nodejs22.x"),
                          "Java": function("java21"), "Go": function("provided.al2023"),
                          "Img": {"Type": "AWS::Lambda::Function",
                                  "Properties": {"PackageType": "Image"}}}}
    assert deploy_line(body) == (
        "the local endpoint runs Python and Node.js functions only: Go (provided.al2023), "
        "Img (a container image), Java (java21) answer Runtime.Unsupported when invoked; "
        "test them on AWS")
    assert deploy_line({"Resources": {"Py": function("python3.12")}}) is None


def test_the_web_adapter_layer_is_not_said_missing_where_ws_stands_in_for_it():
    adapter = "arn:aws:lambda:us-east-1:753240598075:layer:LambdaAdapterLayerX86:25"
    web, plain = function("python3.12", "run.sh"), function("python3.12")
    web["Properties"].update(Layers=[adapter], Environment={"Variables": {
        "AWS_LAMBDA_EXEC_WRAPPER": "/opt/bootstrap"}})
    plain["Properties"]["Layers"] = [adapter]
    assert layer_line({"Resources": {"Web": web}}, "123456789012") is None
    assert layer_line({"Resources": {"Web": web, "Plain": plain}}, "123456789012") == (
        f"the local endpoint cannot fetch another account's layers: Plain runs without {adapter}")


def test_a_local_deploy_says_it_once_per_stack(tmp_path, endpoint):
    mixed = {"Resources": {"Role": ROLE, "Java": function("java21", "App::handle"),
                           "Py": function("python3.12")}}
    only_python = {"Resources": {"Role": ROLE, "Py": function("python3.12")}}
    workspace = write_tree(tmp_path, workspace_files(
        mixed=(json.dumps(mixed), {}), plain=(json.dumps(only_python), {})))
    seen = []
    report = api.deploy(workspace, "local", RunRequest(check_templates=False),
                        Observer(on_event=lambda stack, message: seen.append((stack, message))))
    assert report.ok, report
    said = [(stack, message) for stack, message in seen if "Runtime.Unsupported" in message]
    assert said == [("mixed", "the local endpoint runs Python and Node.js functions only: "
                              "Java (java21) answer Runtime.Unsupported when invoked; "
                              "test them on AWS")]


FOREIGN = "arn:aws:lambda:us-east-1:177933569100:layer:AWS-Parameters-and-Secrets:4"


def test_a_layer_of_another_account_is_said_and_the_function_runs_without_it(tmp_path, endpoint,
                                                                             aws):
    fn = function("python3.12")
    fn["Properties"].update(Code={"ZipFile": "def handler(e, c):\n    return 'ran'\n"},
                            Layers=[FOREIGN])
    body = {"Resources": {"Role": ROLE, "Fn": fn},
            "Outputs": {"Fn": {"Value": {"Ref": "Fn"}}}}
    workspace = write_tree(tmp_path, workspace_files(layered=(json.dumps(body), {})))
    seen = []
    report = api.deploy(workspace, "local", RunRequest(check_templates=False),
                        Observer(on_event=lambda stack, message: seen.append((stack, message))))
    assert report.ok, report
    said = [message for _, message in seen if "layers:" in message]
    assert said == [f"the local endpoint cannot fetch another account's layers: Fn runs "
                    f"without {FOREIGN}"]
    (name,) = [f["FunctionName"] for f in aws("lambda").list_functions()["Functions"]]
    assert aws("lambda").invoke(FunctionName=name)["Payload"].read() == b'"ran"'
