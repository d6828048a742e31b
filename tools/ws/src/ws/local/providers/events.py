"""EventBridge EventBus and Archive in moto's events backend.

moto's EventBus gives its object to `Ref` (a rule on `!Ref Bus` then fails "'EventBus' object
has no attribute 'split'"); moto's Archive names exceed the 48 characters AWS allows.
"""
from __future__ import annotations

import json
from typing import Any

from moto.core.common_models import CloudFormationModel
from moto.events.models import events_backends

from .base import Provider
from .naming import short_name

ARCHIVE_NAME_LIMIT = 48


def _backend(account_id: str, region: str) -> Any:
    return events_backends[account_id][region]


class EventBus(Provider, CloudFormationModel):
    TYPE = "AWS::Events::EventBus"
    ATTRS = ("Arn", "Name", "Policy")

    @classmethod
    def build(cls, name: str, props: dict[str, Any], logical_id: str, account_id: str,
              region: str) -> "EventBus":
        bus = _backend(account_id, region).create_event_bus(
            name=props.get("Name") or name, event_source_name=props.get("EventSourceName"),
            description=props.get("Description"))
        attrs = {"Arn": bus.arn, "Name": bus.name, "Policy": bus.policy or ""}
        return cls(bus.name, attrs, props, account_id, region, logical_id)

    def update(self, props: dict[str, Any]) -> "EventBus":
        if (props.get("Name") or self.physical_id) != self.physical_id:
            self.remove()
            return type(self).build(props["Name"], props, self.logical_id, self.account_id,
                                    self.region)
        self.props = props
        return self

    def remove(self) -> None:
        if self.physical_id in _backend(self.account_id, self.region).event_buses:
            _backend(self.account_id, self.region).delete_event_bus(self.physical_id)


class Archive(Provider, CloudFormationModel):
    TYPE = "AWS::Events::Archive"
    ATTRS = ("Arn",)

    @classmethod
    def build(cls, name: str, props: dict[str, Any], logical_id: str, account_id: str,
              region: str) -> "Archive":
        pattern = props.get("EventPattern")
        archive = _backend(account_id, region).create_archive(
            props.get("ArchiveName") or short_name(name, logical_id, ARCHIVE_NAME_LIMIT),
            props["SourceArn"], props.get("Description", ""),
            json.dumps(pattern) if isinstance(pattern, dict) else pattern or "",
            props.get("RetentionDays", 0))
        made = cls(archive.name, {"Arn": archive.arn}, props, account_id, region, logical_id)
        made.generated = name
        return made

    def update(self, props: dict[str, Any]) -> "Archive":
        self.remove()
        return type(self).build(self.generated, props, self.logical_id, self.account_id,
                                self.region)

    def remove(self) -> None:
        if self.physical_id in _backend(self.account_id, self.region).archives:
            _backend(self.account_id, self.region).delete_archive(self.physical_id)
