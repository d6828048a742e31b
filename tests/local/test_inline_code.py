"""Inline function code (`Code: ZipFile:`) is written where Lambda writes it: index.js for
Node.js runtimes, index.py for Python, so `Handler: index.handler` finds it."""
from __future__ import annotations

import json

ROLE = {"Fn::GetAtt": ["Role", "Arn"]}


def function(runtime: str, code: str) -> dict:
    return {"Type": "AWS::Lambda::Function", "Properties": {
        "Runtime": runtime, "Handler": "index.handler", "Role": ROLE, "Code": {"ZipFile": code}}}


def test_inline_code_runs_in_node_and_python(stack, aws):
    stack.create({"Resources": {
        "Role": {"Type": "AWS::IAM::Role", "Properties": {
            "AssumeRolePolicyDocument": {"Statement": []}}},
        "Js": function("nodejs20.x", "exports.handler = async (e) => ({js: e.n + 1});\n"),
        "Py": function("python3.12", "def handler(e, c):\n    return {'py': e['n'] + 1}\n")},
        "Outputs": {"Js": {"Value": {"Ref": "Js"}}, "Py": {"Value": {"Ref": "Py"}}}})
    names = stack.outputs("CREATE_COMPLETE")
    lam = aws("lambda")
    answers = {key: json.loads(lam.invoke(FunctionName=name, Payload=b'{"n": 1}')["Payload"]
                               .read()) for key, name in names.items()}
    assert answers == {"Js": {"js": 2}, "Py": {"py": 2}}


NODE_SEEDER = """const response = require('cfn-response');
exports.handler = function (event, context) {
  response.send(event, context, response.SUCCESS, {Seeded: event.ResourceProperties.Count});
};
"""


def test_node_inline_custom_resource_answers_through_cfn_response(stack):
    assert stack.create({"Resources": {
        "Role": {"Type": "AWS::IAM::Role", "Properties": {
            "AssumeRolePolicyDocument": {"Statement": []}}},
        "Seeder": function("nodejs20.x", NODE_SEEDER),
        "Seed": {"Type": "Custom::Seed", "Properties": {
            "ServiceToken": {"Fn::GetAtt": ["Seeder", "Arn"]}, "Count": "3"}}},
        "Outputs": {"Seeded": {"Value": {"Fn::GetAtt": ["Seed", "Seeded"]}}}}) == {"Seeded": "3"}


def test_changed_inline_code_runs_after_an_update(stack, aws):
    def body(answer: int) -> dict:
        return {"Resources": {
            "Role": {"Type": "AWS::IAM::Role", "Properties": {
                "AssumeRolePolicyDocument": {"Statement": []}}},
            "Js": function("nodejs20.x", f"exports.handler = async () => {answer};\n"),
            "Py": function("python3.12", f"def handler(e, c):\n    return {answer}\n")},
            "Outputs": {"Js": {"Value": {"Ref": "Js"}}, "Py": {"Value": {"Ref": "Py"}}}}
    stack.create(body(1))
    names = stack.update(body(2))
    lam = aws("lambda")
    assert [lam.invoke(FunctionName=n)["Payload"].read() for n in names.values()] == [b"2", b"2"]
