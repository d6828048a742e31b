"""A function's layers are where Lambda mounts them (/opt): Python finds python/ and
python/lib/pythonX.Y/site-packages, Node.js finds nodejs/node_modules, after the function's
own code; a later layer's file wins over an earlier one's."""
from __future__ import annotations

import json

from lambda_helpers import zip_of

ROLE = {"Fn::GetAtt": ["Role", "Arn"]}


def layer(key: str) -> dict:
    return {"Type": "AWS::Lambda::LayerVersion", "Properties": {
        "Content": {"S3Bucket": "layers", "S3Key": key}}}


def function(runtime: str, code: str, *layers: str) -> dict:
    return {"Type": "AWS::Lambda::Function", "Properties": {
        "Runtime": runtime, "Handler": "index.handler", "Role": ROLE,
        "Code": {"ZipFile": code}, "Layers": [{"Ref": name} for name in layers]}}


def test_python_and_node_functions_import_from_their_layers(stack, aws):
    s3 = aws("s3")
    s3.create_bucket(Bucket="layers")
    s3.put_object(Bucket="layers", Key="py.zip", Body=zip_of({
        "python/greet.py": "WHO = 'python/'\n",
        "python/lib/python3.12/site-packages/shout.py": "def it(s):\n    return s.upper()\n"}))
    s3.put_object(Bucket="layers", Key="py2.zip", Body=zip_of({
        "python/greet.py": "WHO = 'second layer'\n"}))
    s3.put_object(Bucket="layers", Key="js.zip", Body=zip_of({
        "nodejs/node_modules/greet/index.js": "exports.who = 'nodejs/node_modules';\n"}))
    names = stack.create({"Resources": {
        "Role": {"Type": "AWS::IAM::Role", "Properties": {
            "AssumeRolePolicyDocument": {"Statement": []}}},
        "Py": layer("py.zip"), "Py2": layer("py2.zip"), "Js": layer("js.zip"),
        "PyFn": function("python3.12", "import greet, shout\n"
                         "def handler(e, c):\n    return shout.it(greet.WHO)\n", "Py", "Py2"),
        "JsFn": function("nodejs20.x", "exports.handler = async () => require('greet').who;\n",
                         "Js")},
        "Outputs": {"Py": {"Value": {"Ref": "PyFn"}}, "Js": {"Value": {"Ref": "JsFn"}}}})
    lam = aws("lambda")
    answers = {key: json.loads(lam.invoke(FunctionName=name)["Payload"].read())
               for key, name in names.items()}
    assert answers == {"Py": "SECOND LAYER", "Js": "nodejs/node_modules"}
