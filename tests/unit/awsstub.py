"""Stubbed CloudFormation answers shaped like AWS's documented ones, for the tests that use
botocore's Stubber (the `cfn` fixture is in conftest.py)."""
from __future__ import annotations

import datetime

from botocore.stub import ANY
from ws.cloud.stackops import StackOps, StackRequest

NAME = "store-prod-orders"
STACK_ID = f"arn:aws:cloudformation:us-east-1:123456789012:stack/{NAME}/1a2b3c4d"
CS_ID = "arn:aws:cloudformation:us-east-1:123456789012:changeSet/ws-x/5e6f"
NOW = datetime.datetime(2026, 11, 23, tzinfo=datetime.timezone.utc)
REQ = StackRequest(NAME, {"TemplateBody": "{}"}, {"Url": "https://x"}, {"ws:stack": "orders"})


def stack(status: str, **extra) -> dict:
    return {"Stacks": [{"StackName": NAME, "StackId": STACK_ID, "StackStatus": status,
                        "CreationTime": NOW, **extra}]}


def events(*statuses: str) -> dict:
    return {"StackEvents": [{"StackId": STACK_ID, "EventId": f"e{i}", "StackName": NAME,
                             "LogicalResourceId": NAME, "ResourceStatus": status,
                             "Timestamp": NOW} for i, status in enumerate(statuses)]}


def expect_change_set(cfn, kind: str, status: str = "CREATE_COMPLETE", reason: str = "",
                      changes: list | None = None) -> None:
    cfn.stubber.add_response("create_change_set", {"Id": CS_ID, "StackId": STACK_ID},
                             {"StackName": NAME, "ChangeSetName": ANY, "ChangeSetType": kind,
                              "Parameters": ANY, "Tags": ANY, "TemplateBody": "{}"})
    cfn.stubber.add_response("describe_change_set", {
        "ChangeSetId": CS_ID, "StackName": NAME, "Status": status, "StatusReason": reason,
        "Changes": changes or []}, {"ChangeSetName": CS_ID})


def ops(cfn) -> StackOps:
    return StackOps(cfn, sleep=lambda seconds: None, poll=0.01)
