"""Helpers for tests: build small workspaces from dicts of files."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml


def write_tree(root: Path, files: dict[str, Any]) -> Path:
    """Write `files` (relative path -> text, or data dumped as YAML) under `root`."""
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        elif isinstance(content, str):
            path.write_text(content)
        else:
            path.write_text(yaml.safe_dump(content, sort_keys=False))
    return root


def queue_template(outputs: dict[str, Any] | None = None, parameters: list[str] | None = None,
                   resources: dict[str, Any] | None = None) -> str:
    """A small plain-CloudFormation template (JSON) with an SQS queue and the given outputs."""
    body: dict[str, Any] = {
        "Parameters": {p: {"Type": "String"} for p in parameters or []},
        "Resources": resources or {"Queue": {"Type": "AWS::SQS::Queue"}},
        "Outputs": {name: (value if isinstance(value, dict) and "Value" in value
                           else {"Value": value})
                    for name, value in (outputs or {}).items()},
    }
    if not body["Parameters"]:
        del body["Parameters"]
    return json.dumps(body, indent=1)


def stack_files(name: str, template: str, config: dict[str, Any] | None = None) -> dict[str, Any]:
    return {f"stacks/{name}/stack.yaml": config or {}, f"stacks/{name}/template.yaml": template}


def workspace_files(name: str = "demo", env: dict[str, Any] | None = None,
                    **stacks: tuple[str, dict[str, Any]]) -> dict[str, Any]:
    """workspace.yaml, environments/local.yaml and one stack per keyword (template, config)."""
    files: dict[str, Any] = {
        "workspace.yaml": {"name": name, "stacks": ["stacks/*"]},
        "environments/local.yaml": env or {"target": "local", "mocks": True},
    }
    for stack, (template, config) in stacks.items():
        files.update(stack_files(stack.replace("_", "-"), template, config))
    return files


def layered_stacks(count: int) -> dict[str, tuple[str, dict[str, Any]]]:
    """`count` queue stacks s0... in layers of 10; each takes an output of one stack in the
    layer above (keywords for workspace_files)."""
    stacks = {}
    for i in range(count):
        up = i - 10 if i >= 10 else None
        config = {"parameters": {"Up": f"${{s{up}.Out}}"}} if up is not None else {}
        template = queue_template({"Out": f"v{i}"}, parameters=["Up"] if up is not None else None)
        stacks[f"s{i}"] = (template, config)
    return stacks


def broken_template(outputs: tuple[str, ...] = (), parameters: tuple[str, ...] = ()) -> str:
    """A Lambda whose code bucket does not exist: a valid template (it passes the check before
    deploying) whose create fails half-way, leaving the stack in CREATE_IN_PROGRESS on the
    local endpoint (AWS would roll it back)."""
    body: dict[str, Any] = {"Resources": {
        "Role": {"Type": "AWS::IAM::Role", "Properties": {"AssumeRolePolicyDocument": {
            "Version": "2012-10-17", "Statement": [{
                "Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"},
                "Action": "sts:AssumeRole"}]}}},
        "Fn": {"Type": "AWS::Lambda::Function", "Properties": {
            "Code": {"S3Bucket": "no-such-bucket", "S3Key": "x.zip"}, "Handler": "h.h",
            "Runtime": "python3.11", "Role": {"Fn::GetAtt": ["Role", "Arn"]}}}},
        "Outputs": {name: {"Value": "none"} for name in outputs}}
    if parameters:
        body["Parameters"] = {p: {"Type": "String"} for p in parameters}
    return json.dumps(body, indent=1)


SAM_FUNCTION = """Transform: AWS::Serverless-2016-10-31
Parameters:
  Upstream:
    Type: String
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/fn/
      Handler: handler.handler
      Runtime: python3.11
      Environment:
        Variables:
          UPSTREAM: !Ref Upstream
Outputs:
  FnArn:
    Value: !GetAtt Fn.Arn
"""


def chain_files(*lone: str) -> dict[str, Any]:
    """a -> b -> c (b echoes a's output, c takes b's) and the `lone` stacks on their own."""
    return workspace_files(
        a=(queue_template({"Out": "from-a"}), {}),
        b=(queue_template({"Echo": {"Ref": "In"}}, parameters=["In"]),
           {"parameters": {"In": "${a.Out}"}}),
        c=(queue_template(parameters=["In"]), {"parameters": {"In": "got ${b.Echo}!"}}),
        **{name: (queue_template({name.upper(): name}), {}) for name in lone})
