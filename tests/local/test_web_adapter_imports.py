"""A Python app behind the Lambda Web Adapter imports what it would on Lambda: its code, its
layers and the runtime's SDK, even when its script puts $LAMBDA_RUNTIME_DIR on PYTHONPATH (as
AWS's samples do); never ws's own modules, and its own module named like one of them wins."""
from __future__ import annotations

import json

from lambda_helpers import zip_of

ROLE = {"Fn::GetAtt": ["Role", "Arn"]}
ADAPTER = "arn:aws:lambda:us-east-1:753240598075:layer:LambdaAdapterLayerX86:25"
RUN_SH = "#!/bin/bash\nPYTHONPATH=$LAMBDA_RUNTIME_DIR:$PYTHONPATH exec python src/app.py\n"
APP = """
import importlib.util, json, os
from http.server import BaseHTTPRequestHandler, HTTPServer

def where(name):
    try:
        found = importlib.util.find_spec(name)
    except ImportError:
        return None
    return found and (found.origin or "namespace")

class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        import spec
        found = {name: where(name) for name in ("ws", "webhttp", "worker", "moto", "boto3")}
        out = json.dumps({**found, "spec": getattr(spec, "WHO", spec.__file__)}).encode()
        self.send_response(200)
        self.end_headers()
        self.wfile.write(out)

HTTPServer(("127.0.0.1", int(os.environ["PORT"])), Handler).serve_forever()
"""


def template() -> dict:
    return {"Resources": {
        "Role": {"Type": "AWS::IAM::Role", "Properties": {
            "AssumeRolePolicyDocument": {"Statement": []}}},
        "Web": {"Type": "AWS::Lambda::Function", "Properties": {
            "Runtime": "python3.12", "Handler": "run.sh", "Role": ROLE, "Timeout": 10,
            "Code": {"S3Bucket": "code", "S3Key": "imports.zip"}, "Layers": [ADAPTER],
            "Environment": {"Variables": {"AWS_LAMBDA_EXEC_WRAPPER": "/opt/bootstrap",
                                          "PORT": "8771"}}}}},
        "Outputs": {"Web": {"Value": {"Ref": "Web"}}}}


def test_the_app_imports_its_own_modules_and_the_sdk_but_not_ws(stack, aws):
    aws("s3").create_bucket(Bucket="code")
    aws("s3").put_object(Bucket="code", Key="imports.zip", Body=zip_of({
        "run.sh": RUN_SH, "src/app.py": APP, "spec.py": "WHO = 'user'\n"}))
    out = stack.create(template())
    event = {"httpMethod": "GET", "path": "/", "headers": {}, "requestContext": {}}
    answer = json.loads(aws("lambda").invoke(FunctionName=out["Web"],
                                             Payload=json.dumps(event))["Payload"].read())
    found = json.loads(answer["body"])
    assert found["spec"] == "user"  # not ws's local/lambdas/spec.py
    assert (found["ws"], found["webhttp"], found["worker"], found["moto"]) == \
        (None, None, None, None), found
    assert found["boto3"] and found["boto3"].endswith("boto3/__init__.py")
