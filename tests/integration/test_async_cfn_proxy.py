"""The benchmark's asynchronous CloudFormation layer (tests/bench/cfnproxy.py) over a real moto
server: stacks stay *_IN_PROGRESS for D seconds, busy stacks are refused, change sets take C
seconds and keep outputs and tags, a named stack rolls back, calls are counted."""
from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import boto3
import pytest
from botocore.exceptions import ClientError

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
from asynccfn import Timing
from benchenv import async_target

D, C = 0.8, 0.6
TEMPLATE = json.dumps({
    "Resources": {"Param": {"Type": "AWS::SSM::Parameter", "Properties": {
        "Name": {"Fn::Sub": "/t/${AWS::StackName}"}, "Type": "String", "Value": "v"}}},
    "Outputs": {"Out": {"Value": "out-value"}}})


@pytest.fixture(scope="module")
def proxy(tmp_path_factory):
    timing = Timing(delay_of=lambda name: D, change_set_delay=C, fail=frozenset({"broken"}))
    with async_target(timing, tmp_path_factory.mktemp("moto") / "moto.log") as running:
        yield running


@pytest.fixture
def cfn(proxy):
    return boto3.client("cloudformation", endpoint_url=proxy.url, region_name="us-east-1",
                        aws_access_key_id="testing", aws_secret_access_key="testing")


def status(cfn, name: str) -> dict:
    return cfn.describe_stacks(StackName=name)["Stacks"][0]


def test_a_created_stack_is_in_progress_for_d_seconds_and_refuses_updates(cfn, proxy):
    started = time.time()
    cfn.create_stack(StackName="plain", TemplateBody=TEMPLATE)
    first = status(cfn, "plain")
    assert first["StackStatus"] == "CREATE_IN_PROGRESS" and "Outputs" not in first
    with pytest.raises(ClientError, match="is in CREATE_IN_PROGRESS state and can not be updated"):
        cfn.update_stack(StackName="plain", TemplateBody=TEMPLATE)
    cfn.get_waiter("stack_create_complete").wait(StackName="plain",
                                                 WaiterConfig={"Delay": 0.2})
    assert time.time() - started >= D  # moto itself finished long before
    done = status(cfn, "plain")
    assert done["StackStatus"] == "CREATE_COMPLETE"
    assert done["Outputs"][0]["OutputValue"] == "out-value"
    counts = proxy.log.counts(started, time.time())
    assert counts["cloudformation:CreateStack"] == 1 and counts["cloudformation:UpdateStack"] == 1


def test_a_change_set_takes_c_seconds_and_its_stack_keeps_outputs_and_tags(cfn):
    made = cfn.create_change_set(StackName="viacs", ChangeSetName="cs1", ChangeSetType="CREATE",
                                 TemplateBody=TEMPLATE, Tags=[{"Key": "k", "Value": "v1"}])
    pending = cfn.describe_change_set(ChangeSetName=made["Id"])
    assert pending["Status"] in ("CREATE_PENDING", "CREATE_IN_PROGRESS")
    with pytest.raises(ClientError, match="InvalidChangeSetStatus"):
        cfn.execute_change_set(ChangeSetName=made["Id"])
    time.sleep(C + 0.1)
    assert cfn.describe_change_set(ChangeSetName=made["Id"])["Status"] == "CREATE_COMPLETE"
    cfn.execute_change_set(ChangeSetName=made["Id"])
    assert status(cfn, "viacs")["StackStatus"] == "CREATE_IN_PROGRESS"
    cfn.get_waiter("stack_create_complete").wait(StackName="viacs",
                                                 WaiterConfig={"Delay": 0.2})
    done = status(cfn, "viacs")
    assert done["Outputs"][0]["OutputValue"] == "out-value"
    assert done["Tags"] == [{"Key": "k", "Value": "v1"}]


def test_a_stack_named_to_fail_rolls_back_with_a_failed_event(cfn):
    cfn.create_stack(StackName="broken", TemplateBody=TEMPLATE)
    time.sleep(D + 0.1)
    stack = status(cfn, "broken")
    assert stack["StackStatus"] == "ROLLBACK_COMPLETE" and stack["StackStatusReason"]
    events = cfn.describe_stack_events(StackName="broken")["StackEvents"]
    failed = [e for e in events if e["ResourceStatus"] == "CREATE_FAILED"]
    assert failed and "injected failure" in failed[0]["ResourceStatusReason"]
    with pytest.raises(ClientError, match="ROLLBACK_COMPLETE state and can not be updated"):
        cfn.update_stack(StackName="broken", TemplateBody=TEMPLATE)


def test_a_deleted_stack_is_listed_deleting_then_gone(cfn, proxy):
    cfn.create_stack(StackName="doomed", TemplateBody=TEMPLATE)
    time.sleep(D + 0.1)
    started = time.time()
    cfn.delete_stack(StackName="doomed")
    assert status(cfn, "doomed")["StackStatus"] == "DELETE_IN_PROGRESS"
    listed = {s["StackName"]: s["StackStatus"] for s in cfn.describe_stacks()["Stacks"]}
    assert listed["doomed"] == "DELETE_IN_PROGRESS"
    time.sleep(D + 0.1)
    with pytest.raises(ClientError, match="does not exist"):
        status(cfn, "doomed")
    assert proxy.stacks.in_flight(started, time.time()) == 1
