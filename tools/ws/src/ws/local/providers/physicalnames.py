"""Names generated for resources given none, as CloudFormation generates them.

CloudFormation names such a resource `<stack name>-<logical id>-<SUFFIX>` and, when that is
longer than the type allows, shortens the stack and logical parts (each keeps what it needs up
to an even share of the room; the suffix stays whole). moto capped only a few types, so a long
stack name made names AWS never makes ("Member must have length less than or equal to 80").
"""
from __future__ import annotations

from typing import Callable

from moto.cloudformation import parsing
from moto.cloudformation.utils import random_suffix

SUFFIX = 12
# type -> (longest name AWS takes, lower case only)
LIMITS: dict[str, tuple[int, bool]] = {
    "AWS::S3::Bucket": (63, True),
    "AWS::ECR::Repository": (256, True),
    "AWS::StepFunctions::StateMachine": (80, False),
    "AWS::StepFunctions::Activity": (80, False),
    "AWS::SQS::Queue": (80, False),
    "AWS::SNS::Topic": (256, False),
    "AWS::DynamoDB::Table": (255, False),
    "AWS::Lambda::Function": (64, False),
    "AWS::Lambda::LayerVersion": (140, False),
    "AWS::IAM::Role": (64, False),
    "AWS::IAM::User": (64, False),
    "AWS::IAM::Group": (128, False),
    "AWS::IAM::ManagedPolicy": (128, False),
    "AWS::IAM::InstanceProfile": (128, False),
    "AWS::Logs::LogGroup": (512, False),
    "AWS::Events::Rule": (64, False),
    "AWS::Events::EventBus": (256, False),
    "AWS::Events::Archive": (48, False),
    "AWS::Events::Connection": (64, False),
    "AWS::Events::ApiDestination": (64, False),
    "AWS::Scheduler::Schedule": (64, False),
    "AWS::Scheduler::ScheduleGroup": (64, False),
    "AWS::Kinesis::Stream": (128, False),
    "AWS::KinesisFirehose::DeliveryStream": (64, False),
    "AWS::ElasticLoadBalancingV2::LoadBalancer": (32, False),
    "AWS::ElasticLoadBalancingV2::TargetGroup": (32, False),
    "AWS::ECS::Cluster": (255, False),
    "AWS::ECS::Service": (255, False),
    "AWS::CloudWatch::Alarm": (255, False),
    "AWS::Cognito::UserPool": (128, False),
}


def generated_name(resource_type: str, stack_name: str, logical_id: str,
                   suffix: str | None = None) -> str:
    """`<stack>-<logical>-<SUFFIX>` within the type's limit (any length for a type not listed)."""
    limit, lower = LIMITS.get(resource_type, (0, False))
    suffix = suffix or random_suffix()
    stack, logical = stack_name, logical_id
    room = limit - len(suffix) - 2
    if limit and len(stack) + len(logical) > room:
        stack_room = min(len(stack), max(room - len(logical), (room + 1) // 2))
        stack, logical = stack[:stack_room].rstrip("-"), logical[:room - stack_room]
    name = f"{stack}-{logical}-{suffix}"
    return name.lower() if lower else name


_moto_generate: Callable[[str, str, str], str] = parsing.generate_resource_name


def _generate(resource_type: str, stack_name: str, logical_id: str) -> str:
    if resource_type in LIMITS:
        return generated_name(resource_type, stack_name, logical_id)
    return _moto_generate(resource_type, stack_name, logical_id)


def install() -> None:
    """Make moto's CloudFormation generate names this way (idempotent)."""
    parsing.generate_resource_name = _generate


def fifo_name(generated: str, limit: int) -> str:
    """A generated name of a FIFO queue or topic: AWS ends it with `.fifo`, within the limit
    (the logical part shortened, the suffix kept)."""
    head, _, suffix = generated.rpartition("-")
    return f"{head[:limit - len(suffix) - 6].rstrip('-')}-{suffix}.fifo"


def is_on(value: object) -> bool:
    """A template's boolean, written as true or "true"."""
    return str(value).lower() == "true"
