"""The hotswap decisions on literal data: which stacks may hotswap (decide) and which template
differences the service APIs can make (swap_plan), and the values they send."""
from __future__ import annotations

import json

import pytest

from ws.cloud.swapvalues import Context, Unresolvable, evaluate
from ws.engine.decide import DEPLOY, HOTSWAP, SKIP, decide
from ws.engine.swapdiff import swap_plan

from test_decide import PARTS, inputs, live

FN = {"Type": "AWS::Lambda::Function", "Properties": {
    "Code": {"S3Bucket": "b", "S3Key": "code/1.zip"}, "Handler": "h.h", "Runtime": "python3.12",
    "Environment": {"Variables": {"A": {"Ref": "P"}}}}}


def template(**changes):
    props = {**FN["Properties"], **changes}
    return {"Resources": {"Fn": {**FN, "Properties": props}},
            "Outputs": {"WsDeployRecord": {"Value": "old"}}}


def test_a_code_change_may_hotswap_and_a_parameter_change_may_not():
    deployed = live(deployed=inputs())
    code = inputs({**PARTS, "code": "d" * 64})
    assert decide(deployed, code, hotswap=True).action == HOTSWAP
    tags = inputs({**PARTS, "code": "d" * 64, "tags": "x" * 64})
    found = decide(deployed, tags, hotswap=True)
    assert found.action == DEPLOY and "through CloudFormation: tags changed" in found.reason
    assert decide(deployed, code).action == DEPLOY  # without --hotswap


def test_a_ledger_is_what_runs_and_says_cloudformation_is_behind():
    deployed = live(deployed=inputs())
    now = inputs({**PARTS, "code": "d" * 64})
    parsed = json.loads(now.fingerprint.record("c", "1"))
    ledger = {"fingerprint": parsed["fingerprint"], "parts": parsed["parts"], "swapped":
              ["Code of Fn"], "cfn_fingerprint": inputs().fingerprint.value, "template": {}}
    found = decide(deployed, now, swapped=ledger)
    assert found.action == DEPLOY and found.reason == "CloudFormation is behind: hotswapped Code of Fn"
    assert decide(deployed, now, swapped=ledger, hotswap=True).action == SKIP
    stale = {**ledger, "cfn_fingerprint": "someone deployed since"}
    assert decide(deployed, now, swapped=stale).reason == "code changed"


def test_swap_plan_takes_code_and_environment_and_refuses_the_rest():
    plan = swap_plan(template(), template(Code={"S3Bucket": "b", "S3Key": "code/2.zip"},
                                          Timeout=9))
    assert plan.possible and [str(s) for s in plan.swaps] == ["Code, Timeout of Fn"]
    assert swap_plan(template(), template(Handler="x.y")).blocker == \
        "Handler of Fn (AWS::Lambda::Function) changed"
    added = template()
    added["Resources"]["Queue"] = {"Type": "AWS::SQS::Queue"}
    assert swap_plan(template(), added).blocker == "resource Queue added"
    record = template()
    record["Outputs"]["WsDeployRecord"] = {"Value": "new"}  # ws's own record is not a change
    assert swap_plan(template(), record).swaps == ()
    output = template()
    output["Outputs"]["Url"] = {"Value": "x"}
    assert swap_plan(template(), output).blocker == "outputs changed"


def test_values_evaluate_from_the_deployed_stack():
    ctx = Context({"P": "p1"}, {"Fn": "stack-Fn-1"}, {"Fn": "AWS::Lambda::Function"},
                  {"AWS::Region": "eu-west-1", "AWS::AccountId": "1", "AWS::Partition": "aws"})
    assert evaluate({"A": {"Ref": "P"}, "B": {"Fn::Sub": "${AWS::Region}-${P}-${Fn.Arn}"}},
                    ctx) == {"A": "p1", "B": "eu-west-1-p1-arn:aws:lambda:eu-west-1:1:"
                                         "function:stack-Fn-1"}
    with pytest.raises(Unresolvable):
        evaluate({"Fn::GetAtt": ["Table", "StreamArn"]}, ctx)
    with pytest.raises(Unresolvable):
        evaluate({"Fn::ImportValue": "x"}, ctx)


def test_drift_says_which_stacks_were_hotswapped():
    from ws.cloud.drift import StackDrift, _noted
    found = _noted(StackDrift("fn", "x-fn", "IN_SYNC"), {"swapped": ["Code of Fn"]})
    assert found.note.startswith("hotswapped since its last CloudFormation deploy (Code of Fn)")
    assert _noted(StackDrift("fn", "x-fn", "IN_SYNC"), None).note == ""


def test_the_calls_a_hotswap_makes_and_a_failed_update():
    from ws.cloud.hotswap import Hotswapper
    from ws.engine.swapdiff import Swap
    from ws.errors import DeployError
    ctx = Context({"P": "p1"}, {"Fn": "stack-Fn-1", "Flow": "arn:aws:states:r:1:stateMachine:f"},
                  {"Fn": "AWS::Lambda::Function"}, {"AWS::Region": "r", "AWS::AccountId": "1"})
    fn = Swap("Fn", "AWS::Lambda::Function", {
        "Code": {"S3Bucket": "b", "S3Key": "code/2.zip"}, "Timeout": None,
        "Environment": {"Variables": {"A": {"Ref": "P"}, "N": 3}}})
    flow = Swap("Flow", "AWS::StepFunctions::StateMachine", {"Definition": {}}, {
        "Definition": {"StartAt": "${First}"}, "DefinitionSubstitutions": {"First": "Go"}})
    assert Hotswapper(lambda service: None).calls((fn, flow), ctx) == [
        ("lambda", "update_function_code", {"FunctionName": "stack-Fn-1", "S3Bucket": "b",
                                            "S3Key": "code/2.zip"}),
        ("lambda", "update_function_configuration", {
            "FunctionName": "stack-Fn-1", "Timeout": 3,
            "Environment": {"Variables": {"A": "p1", "N": "3"}}}),
        ("stepfunctions", "update_state_machine", {
            "stateMachineArn": "arn:aws:states:r:1:stateMachine:f",
            "definition": '{"StartAt":"Go"}'})]
    inline = Swap("Fn", "AWS::Lambda::Function", {"Code": {"ZipFile": "def h(e, c): pass"}})
    with pytest.raises(Unresolvable):
        Hotswapper(lambda service: None).calls((inline,), ctx)

    answers = [{"LastUpdateStatus": "InProgress"},
               {"LastUpdateStatus": "Failed", "LastUpdateStatusReason": "InvalidZipFile"}]

    class Lambda:
        def get_function_configuration(self, FunctionName):
            return answers.pop(0)
    slept = []
    with pytest.raises(DeployError, match="stack-Fn-1 failed: InvalidZipFile"):
        Hotswapper(lambda service: Lambda(), slept.append, lambda: 0.0).wait("stack-Fn-1")
    assert slept == [0.1]


def test_a_new_layer_version_takes_the_functions_that_use_it():
    def body(key):
        return {"Resources": {
            "Lib": {"Type": "AWS::Lambda::LayerVersion", "Properties": {
                "Content": {"S3Bucket": "b", "S3Key": key}}},
            "Fn": {**FN, "Properties": {**FN["Properties"], "Layers": [{"Ref": "Lib"}]}},
            "Other": FN}}
    plan = swap_plan(body("layer/1.zip"), body("layer/2.zip"))
    assert [str(s) for s in plan.swaps] == ["Content of Lib", "Layers of Fn"]


def test_a_sam_function_with_an_alias_goes_through_cloudformation():
    def sam(key, **extra):
        return {"Resources": {"Fn": {"Type": "AWS::Serverless::Function", "Properties": {
            "CodeUri": {"Bucket": "b", "Key": key}, "Handler": "h.h", **extra}}}}
    assert swap_plan(sam("1.zip"), sam("2.zip")).possible
    assert swap_plan(sam("1.zip", AutoPublishAlias="live"),
                     sam("2.zip", AutoPublishAlias="live")).blocker == \
        "Fn publishes versions (an alias would keep the old code)"
    globals_ = {**sam("1.zip"), "Globals": {"Function": {"AutoPublishAlias": "live"}}}
    assert not swap_plan(globals_, {**sam("2.zip"), "Globals": globals_["Globals"]}).possible
