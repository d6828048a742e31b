"""The IAM and macro capabilities a template needs: passed only where it needs them."""
from __future__ import annotations

from typing import Any

IAM = "CAPABILITY_IAM"
NAMED_IAM = "CAPABILITY_NAMED_IAM"
AUTO_EXPAND = "CAPABILITY_AUTO_EXPAND"
ALL = (AUTO_EXPAND, NAMED_IAM, IAM)  # in the order required() gives them

_IAM_TYPES = {"AWS::IAM::Role", "AWS::IAM::Policy", "AWS::IAM::ManagedPolicy", "AWS::IAM::User",
              "AWS::IAM::Group", "AWS::IAM::InstanceProfile", "AWS::IAM::AccessKey",
              "AWS::IAM::UserToGroupAddition", "AWS::IAM::ServiceLinkedRole"}
_IAM_NAMES = {"AWS::IAM::Role": "RoleName", "AWS::IAM::ManagedPolicy": "ManagedPolicyName",
              "AWS::IAM::User": "UserName", "AWS::IAM::Group": "GroupName",
              "AWS::IAM::InstanceProfile": "InstanceProfileName"}
# SAM resources that make an IAM role unless given one.
_SAM_ROLES = {"AWS::Serverless::Function", "AWS::Serverless::StateMachine"}
_EXPANDS = {"AWS::CloudFormation::Stack", "AWS::Serverless::Application"}


def required(body: dict[str, Any]) -> tuple[str, ...]:
    """What CloudFormation will insist on for `body` (a template as it is sent)."""
    resources = [r for r in (body.get("Resources") or {}).values() if isinstance(r, dict)]
    caps = []
    if body.get("Transform") or any(r.get("Type") in _EXPANDS for r in resources):
        caps.append(AUTO_EXPAND)
    named = any(_IAM_NAMES.get(r.get("Type", "")) in (r.get("Properties") or {})
                for r in resources)
    iam = any(r.get("Type") in _IAM_TYPES for r in resources) or any(
        r.get("Type") in _SAM_ROLES and "Role" not in (r.get("Properties") or {})
        for r in resources)
    if named:
        caps.append(NAMED_IAM)
    elif iam:
        caps.append(IAM)
    return tuple(caps)
