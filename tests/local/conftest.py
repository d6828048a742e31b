"""Fixtures for the local endpoint's tests: boto3 clients and a stack driver over HTTP."""
from __future__ import annotations

import json
from typing import Any, Callable

import boto3
import pytest
from botocore.config import Config

Clients = Callable[[str], Any]


@pytest.fixture
def aws(moto_url: str) -> Clients:
    """A client factory for the (freshly reset) endpoint, as ws itself connects."""
    session = boto3.Session(aws_access_key_id="testing", aws_secret_access_key="testing",
                            region_name="us-east-1")
    config = Config(s3={"addressing_style": "path"}, retries={"max_attempts": 1})
    return lambda service: session.client(service, endpoint_url=moto_url, config=config)


class StackDriver:
    """create/update/delete one stack from a template dict and read its outputs."""

    def __init__(self, cfn: Any, name: str = "under-test") -> None:
        self.cfn = cfn
        self.name = name

    def create(self, template: dict[str, Any]) -> dict[str, str]:
        self.cfn.create_stack(StackName=self.name, TemplateBody=json.dumps(template))
        return self.outputs("CREATE_COMPLETE")

    def update(self, template: dict[str, Any]) -> dict[str, str]:
        self.cfn.update_stack(StackName=self.name, TemplateBody=json.dumps(template))
        return self.outputs("UPDATE_COMPLETE")

    def delete(self) -> None:
        # Describe by name only: describing a deleted stack by id makes moto evaluate its
        # outputs again, which re-creates the resources they reference.
        self.cfn.delete_stack(StackName=self.name)
        assert not [s for s in self.cfn.list_stacks()["StackSummaries"]
                    if s["StackName"] == self.name and s["StackStatus"] != "DELETE_COMPLETE"]

    def outputs(self, expected: str) -> dict[str, str]:
        stack = self.cfn.describe_stacks(StackName=self.name)["Stacks"][0]
        assert stack["StackStatus"] == expected
        return {o["OutputKey"]: o["OutputValue"] for o in stack.get("Outputs", [])}


@pytest.fixture
def stack(aws: Clients) -> StackDriver:
    return StackDriver(aws("cloudformation"))
