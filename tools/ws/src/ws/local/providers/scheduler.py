"""EventBridge Scheduler Schedule and ScheduleGroup in moto's scheduler backend (stored: the
endpoint's schedule runner, not moto, fires them)."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from moto.core.common_models import CloudFormationModel
from moto.scheduler.models import scheduler_backends

from .base import Provider
from .naming import short_name

NAME_LIMIT = 64


def _backend(account_id: str, region: str) -> Any:
    return scheduler_backends[account_id][region]


class ScheduleGroup(Provider, CloudFormationModel):
    TYPE = "AWS::Scheduler::ScheduleGroup"
    ATTRS = ("Arn", "CreationDate", "LastModificationDate", "State")

    @classmethod
    def build(cls, name: str, props: dict[str, Any], logical_id: str, account_id: str,
              region: str) -> "ScheduleGroup":
        group = _backend(account_id, region).create_schedule_group(
            props.get("Name") or short_name(name, logical_id, NAME_LIMIT), props.get("Tags", []))
        now = datetime.utcnow().isoformat() + "Z"
        attrs = {"Arn": group.arn, "CreationDate": now, "LastModificationDate": now,
                 "State": "ACTIVE"}
        return cls(group.name, attrs, props, account_id, region, logical_id)

    def update(self, props: dict[str, Any]) -> "ScheduleGroup":
        self.props = props
        return self

    def remove(self) -> None:
        _backend(self.account_id, self.region).schedule_groups.pop(self.physical_id, None)


class Schedule(Provider, CloudFormationModel):
    TYPE = "AWS::Scheduler::Schedule"
    ATTRS = ("Arn",)

    @classmethod
    def build(cls, name: str, props: dict[str, Any], logical_id: str, account_id: str,
              region: str) -> "Schedule":
        schedule = _backend(account_id, region).create_schedule(
            description=props.get("Description"), end_date=props.get("EndDate"),
            flexible_time_window=props.get("FlexibleTimeWindow") or {"Mode": "OFF"},
            group_name=props.get("GroupName"), kms_key_arn=props.get("KmsKeyArn"),
            name=props.get("Name") or short_name(name, logical_id, NAME_LIMIT),
            schedule_expression=props["ScheduleExpression"],
            schedule_expression_timezone=props.get("ScheduleExpressionTimezone"),
            start_date=props.get("StartDate"), state=props.get("State", "ENABLED"),
            target=props["Target"], action_after_completion=None)
        made = cls(schedule.name, {"Arn": schedule.arn}, props, account_id, region, logical_id)
        made.group, made.generated = schedule.group_name, name
        return made

    def update(self, props: dict[str, Any]) -> "Schedule":
        self.remove()
        return type(self).build(self.generated, props, self.logical_id, self.account_id,
                                self.region)

    def remove(self) -> None:
        group = _backend(self.account_id, self.region).schedule_groups.get(self.group)
        if group is not None:
            group.schedules.pop(self.physical_id, None)
