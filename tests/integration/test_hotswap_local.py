"""`ws deploy --hotswap` on the local endpoint: code and configuration through Lambda's API,
remembered in the ledger, reconciled by the next CloudFormation deploy."""
from __future__ import annotations

import json

import pytest
from ws import api
from ws.cloud import hotswap
from ws.cloud.environments import list_environments
from ws.config.workspace import load_workspace
from ws.engine.request import RunRequest
from ws.errors import DeployError
from ws.graph.selection import Selection
from ws.testing.workspaces import SAM_FUNCTION, workspace_files, write_tree

HANDLER = "def handler(event, context):\n    return {}\n"


@pytest.fixture
def root(tmp_path, endpoint):
    files = workspace_files(fn=(SAM_FUNCTION, {"parameters": {"Upstream": "up"}}),
                            other=(SAM_FUNCTION, {"parameters": {"Upstream": "up"}}))
    files["stacks/fn/src/fn/handler.py"] = HANDLER.format(1)
    files["stacks/other/src/fn/handler.py"] = HANDLER.format(1)
    write_tree(tmp_path, files)
    assert api.deploy(tmp_path, "local", RunRequest()).ok
    return tmp_path


def edit(root, stack, value):
    (root / f"stacks/{stack}/src/fn/handler.py").write_text(HANDLER.format(value))


def deploy(root, **options):
    report = api.deploy(root, "local", RunRequest(changed=True, **options))
    return report, {s.stack: (s.status, s.reason) for s in report.stacks}


def invoke(aws, stack):
    cfn, lam = aws("cloudformation"), aws("lambda")
    name = cfn.describe_stack_resource(StackName=f"demo-local-{stack}",
                                       LogicalResourceId="Fn")["StackResourceDetail"][
        "PhysicalResourceId"]
    return json.loads(lam.invoke(FunctionName=name)["Payload"].read())


def cfn_record(aws, stack):
    outputs = aws("cloudformation").describe_stacks(StackName=f"demo-local-{stack}")[
        "Stacks"][0]["Outputs"]
    return next(o["OutputValue"] for o in outputs if o["OutputKey"] == "WsDeployRecord")


def test_code_is_hotswapped_remembered_then_reconciled(root, aws):
    before = cfn_record(aws, "fn")
    edit(root, "fn", 2)
    plan = {i.stack: (i.action, i.reason) for i in api.plan(root, "local", hotswap=True).items}
    assert plan["fn"] == ("hotswap", "code changed")
    report, found = deploy(root, hotswap=True)
    assert report.ok and found["fn"] == ("deployed", "hotswapped Code of Fn")
    assert found["other"][0] == "unchanged"
    assert invoke(aws, "fn") == 2 and cfn_record(aws, "fn") == before  # not CloudFormation

    plan = {i.stack: (i.action, i.reason) for i in api.plan(root, "local", Selection()).items}
    assert plan["fn"] == ("deploy", "CloudFormation is behind: hotswapped Code of Fn")
    assert deploy(root, hotswap=True)[1]["fn"][0] == "unchanged"  # the ledger is what runs
    assert [(e.env, e.stacks, e.behind) for e in list_environments(load_workspace(root))[0]] \
        == [("local", 2, 1)]

    edit(root, "fn", 3)  # a second hotswap compares with the first
    assert deploy(root, hotswap=True)[1]["fn"] == ("deployed", "hotswapped Code of Fn")
    assert invoke(aws, "fn") == 3 and cfn_record(aws, "fn") == before

    report, found = deploy(root)  # CloudFormation brought up to date, once
    assert report.ok and found["fn"][0] == "deployed" and cfn_record(aws, "fn") != before
    assert deploy(root)[1]["fn"] == ("unchanged", "")
    assert list_environments(load_workspace(root))[0][0].behind == 0
    assert invoke(aws, "fn") == 3


def test_going_back_to_what_cloudformation_has_sets_the_code_back(root, aws):
    edit(root, "fn", 2)
    assert deploy(root, hotswap=True)[0].ok and invoke(aws, "fn") == 2
    edit(root, "fn", 1)  # CloudFormation's template again: its change set would be empty
    report, found = deploy(root)
    assert report.ok and found["fn"][0] in ("deployed", "unchanged")
    assert invoke(aws, "fn") == 1
    assert deploy(root)[1]["fn"] == ("unchanged", "")


def test_environment_variables_are_hotswapped_with_their_references(root, aws):
    template = SAM_FUNCTION.replace("UPSTREAM: !Ref Upstream",
                                    "UPSTREAM: !Ref Upstream\n          MODE: fast")
    write_tree(root, {"stacks/fn/template.yaml": template})
    report, found = deploy(root, hotswap=True)
    assert report.ok and found["fn"] == ("deployed", "hotswapped Environment of Fn")
    fn = [f for f in aws("lambda").list_functions()["Functions"]
          if f["FunctionName"].startswith("demo-local-fn-")][0]
    assert fn["Environment"]["Variables"] == {"UPSTREAM": "up", "MODE": "fast"}


def test_code_and_a_new_resource_go_through_cloudformation(root, aws):
    edit(root, "fn", 2)
    template = SAM_FUNCTION.replace("Outputs:", "  Queue:\n    Type: AWS::SQS::Queue\nOutputs:")
    write_tree(root, {"stacks/fn/template.yaml": template})
    events = []
    report = api.deploy(root, "local", RunRequest(changed=True, hotswap=True),
                        observer=_observer(events))
    found = {s.stack: (s.status, s.reason) for s in report.stacks}
    assert report.ok and found["fn"] == (
        "deployed", "through CloudFormation: resource Queue added (not hotswappable)")
    assert ("fn", "through CloudFormation: resource Queue added (not hotswappable)") in events
    assert invoke(aws, "fn") == 2 and aws("sqs").list_queues().get("QueueUrls")


def test_a_failed_function_update_fails_that_stack_only(root, aws, monkeypatch):
    wait = hotswap.Hotswapper.wait

    def failing(self, function):
        if function.startswith("demo-local-fn-"):
            raise DeployError(f"hotswap of function {function} failed: InvalidCode")
        return wait(self, function)
    monkeypatch.setattr(hotswap.Hotswapper, "wait", failing)
    edit(root, "fn", 2)
    edit(root, "other", 2)
    report, found = deploy(root, hotswap=True)
    assert not report.ok and found["fn"][0] == "failed" and "InvalidCode" in found["fn"][1]
    assert found["other"] == ("deployed", "hotswapped Code of Fn")
    assert api.plan(root, "local", hotswap=True)["fn"].action == "hotswap"  # tried again


def _observer(events):
    from ws.engine.request import Observer
    return Observer(on_event=lambda stack, message: events.append((stack, message)))


def test_watch_hotswaps_saves_and_survives_a_broken_template(root, aws):
    good = (root / "stacks/fn/template.yaml").read_text()
    steps = [("stacks/fn/src/fn/handler.py", lambda: edit(root, "fn", 2)),
             ("stacks/fn/template.yaml", lambda: write_tree(root, {
                 "stacks/fn/template.yaml": good.replace("Runtime:", "Runtim:")})),
             ("stacks/fn/src/fn/handler.py", lambda: (write_tree(
                 root, {"stacks/fn/template.yaml": good}), edit(root, "fn", 3)))]

    def next_event(timeout):  # each step is saved, then settles (nothing more within timeout)
        if timeout is not None or not steps:
            return None
        path, act = steps.pop(0)
        act()
        return path
    lines = []
    api.watch(root, "local", Selection(("fn",)), lines.append, next_event=next_event)
    assert len(lines) == 4 and lines[0].startswith("watching 1 stack(s) of local"), lines
    assert lines[1].startswith("stacks/fn/src/fn/handler.py: fn hotswapped (")
    assert "error:" in lines[2] and "template.yaml" in lines[2]
    assert lines[3].startswith("stacks/fn/src/fn/handler.py: fn hotswapped (")
    assert invoke(aws, "fn") == 3


LAYERED = {"Resources": {
    "Role": {"Type": "AWS::IAM::Role", "Properties": {"AssumeRolePolicyDocument": {
        "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                                                "Principal": {"Service": "lambda.amazonaws.com"}}]}}},
    "Lib": {"Type": "AWS::Lambda::LayerVersion", "Properties": {
        "LayerName": "demo-lib", "Content": "layer", "CompatibleRuntimes": ["python3.11"]}},
    "Fn": {"Type": "AWS::Lambda::Function", "Properties": {
        "Code": "src/fn", "Handler": "handler.handler", "Runtime": "python3.11",
        "Role": {"Fn::GetAtt": ["Role", "Arn"]}, "Layers": [{"Ref": "Lib"}]}}}}


def test_a_layer_is_a_new_version_and_its_functions_use_it(tmp_path, endpoint, aws):
    files = workspace_files(lib=(json.dumps(LAYERED), {}))
    files["stacks/lib/src/fn/handler.py"] = HANDLER.format(1)
    files["stacks/lib/layer/python/util.py"] = "VALUE = 1\n"
    write_tree(tmp_path, files)
    assert api.deploy(tmp_path, "local", RunRequest()).ok
    before = _layers(aws)
    write_tree(tmp_path, {"stacks/lib/layer/python/util.py": "VALUE = 2\n"})
    events = []
    report = api.deploy(tmp_path, "local", RunRequest(changed=True, hotswap=True),
                        observer=_observer(events))
    found = {s.stack: (s.status, s.reason) for s in report.stacks}
    assert report.ok and found["lib"] == ("deployed", "hotswapped Content of Lib, Layers of Fn"), \
        events
    after = _layers(aws)  # (moto's stack gives the function no layer: it has one now)
    assert after != before and after[0].split(":")[6] == "demo-lib"


def _layers(aws):
    fn = next(f for f in aws("lambda").list_functions()["Functions"]
              if f["FunctionName"].startswith("demo-local-lib-"))
    return [layer["Arn"] for layer in fn.get("Layers", [])]
