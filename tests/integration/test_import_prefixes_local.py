"""Two stacks wired as many SAM projects wire them: the API imports `<the Cognito stack's name
as its README deploys it>-X`. With `import_prefixes` the import is sent with the name ws gives
that stack, in the template and its nested one: the API deploys after it, on the endpoint."""
from __future__ import annotations

import json

from ws import api
from ws.engine.request import RunRequest
from ws.graph.selection import Selection
from ws.testing.workspaces import workspace_files, write_tree

AUTH = """Resources:
  Pool: {Type: AWS::SQS::Queue}
Outputs:
  PoolName:
    Value: !GetAtt Pool.QueueName
    Export: {Name: !Sub "${AWS::StackName}-PoolName"}
  PoolArn:
    Value: !GetAtt Pool.Arn
    Export: {Name: !Sub "${AWS::StackName}:PoolArn"}
"""
API = """Parameters:
  AuthStackName: {Type: String, Default: shop-auth}
Resources:
  PoolNameParam:
    Type: AWS::SSM::Parameter
    Properties:
      Name: /shop/pool-name
      Type: String
      Value:
        Fn::ImportValue: !Sub "${AuthStackName}-PoolName"
  Inner:
    Type: AWS::CloudFormation::Stack
    Properties:
      TemplateURL: nested/inner.yaml
Outputs:
  Seen: {Value: !GetAtt PoolNameParam.Value}
  Inner: {Value: !GetAtt Inner.Outputs.Arn}
"""
INNER = """Resources:
  Q: {Type: AWS::SQS::Queue}
Outputs:
  Arn: {Value: !ImportValue "shop-auth:PoolArn"}
"""


def test_an_import_of_another_naming_deploys_after_its_export(tmp_path, aws):
    files = workspace_files(auth=(AUTH, {}), api=(API, {"import_prefixes": {"shop-auth": "auth"}}))
    root = write_tree(tmp_path, {**files, "stacks/api/nested/inner.yaml": INNER})
    plan = api.plan(root, "local", Selection())
    assert [i.stack for i in plan.items] == ["auth", "api"]
    report = api.deploy(root, "local", RunRequest())
    assert report.ok, [(s.stack, s.reason) for s in report.stacks]
    cfn = aws("cloudformation")
    sent = json.loads(json.dumps(cfn.get_template(StackName="demo-local-api")["TemplateBody"]))
    value = sent["Resources"]["PoolNameParam"]["Properties"]["Value"]
    assert value == {"Fn::ImportValue": "demo-local-auth-PoolName"}
    outputs = api.outputs(root, "local")
    queue = outputs["auth"]["PoolName"]
    assert outputs["api"]["Seen"] == queue and queue.startswith("demo-local-auth")
    assert outputs["api"]["Inner"] == outputs["auth"]["PoolArn"]
    again = {i.stack: i.reason for i in api.plan(root, "local", Selection()).items}
    assert again == {"auth": "unchanged", "api": "unchanged"}  # the same rewrite each time
    assert api.destroy(root, "local", RunRequest()).ok
