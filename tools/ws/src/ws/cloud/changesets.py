"""Deploying through change sets (on AWS): know what will change before it does, stop before a
stateful resource is replaced or removed, and take an empty change set as "unchanged"."""
from __future__ import annotations

import logging
import uuid
from contextlib import nullcontext
from dataclasses import dataclass
from typing import Any, Callable

from botocore.exceptions import BotoCoreError, ClientError

from ws.cloud.awserrors import message_of
from ws.cloud.stackops import (
    UNREAD,
    UPDATABLE,
    OnEvent,
    StackOps,
    StackRequest,
    StackResult,
    parameters_arg,
    tags_arg,
)

# Replacing or removing one of these loses data.
STATEFUL = {"AWS::DynamoDB::Table", "AWS::DynamoDB::GlobalTable", "AWS::Cognito::UserPool",
            "AWS::S3::Bucket", "AWS::SQS::Queue", "AWS::RDS::DBInstance", "AWS::RDS::DBCluster",
            "AWS::EFS::FileSystem", "AWS::Kinesis::Stream"}
_EMPTY = ("didn't contain changes", "No updates are to be performed")
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Change:
    """One resource change of a change set."""

    action: str  # Add | Modify | Remove | Import | Dynamic
    logical_id: str
    resource_type: str
    replacement: str = ""  # True | False | Conditional (Modify only)

    @property
    def destructive(self) -> bool:
        return self.action == "Remove" or (self.action == "Modify"
                                           and self.replacement in ("True", "Conditional"))

    @property
    def verb(self) -> str:
        if self.action == "Modify" and self.replacement == "True":
            return "replace"
        if self.action == "Modify" and self.replacement == "Conditional":
            return "may replace"
        return self.action.lower()

    def __str__(self) -> str:
        return f"{self.verb} {self.logical_id} ({self.resource_type})"


@dataclass(frozen=True)
class ChangeSet:
    id: str
    stack_name: str
    kind: str  # CREATE | UPDATE
    status: str  # CREATE_COMPLETE | FAILED
    reason: str
    changes: tuple[Change, ...]
    stack_id: str = ""  # the stack it belongs to (for CREATE, the stack it made for review)

    @property
    def empty(self) -> bool:
        return self.status == "FAILED" and any(text in self.reason for text in _EMPTY)


def blocked(stack: str, changes: tuple[Change, ...], allowed: frozenset[str],
            holds_data: Callable[[Change], bool] = lambda change: True) -> list[Change]:
    """Stateful resources the change set would replace or remove without permission (a queue
    only when it holds messages)."""
    return [c for c in changes if c.resource_type in STATEFUL and c.destructive
            and f"{stack}.{c.logical_id}" not in allowed and holds_data(c)]


class ChangeSets:
    """Create, inspect, execute or discard change sets for one stack at a time."""

    def __init__(self, ops: StackOps, sqs: Any = None) -> None:
        self.ops, self.cfn, self.sqs = ops, ops.cfn, sqs

    def holds_data(self, stack_name: str, change: Change) -> bool:
        """A queue with no message in it loses nothing; anything else, or doubt, holds data."""
        if change.resource_type != "AWS::SQS::Queue" or self.sqs is None:
            return True
        try:
            url = self.cfn.describe_stack_resource(
                StackName=stack_name, LogicalResourceId=change.logical_id)[
                "StackResourceDetail"]["PhysicalResourceId"]
            attributes = self.sqs.get_queue_attributes(QueueUrl=url, AttributeNames=[
                "ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible",
                "ApproximateNumberOfMessagesDelayed"])["Attributes"]
        except ClientError:
            return True
        return any(int(value) for value in attributes.values())

    def deploy(self, stack: str, req: StackRequest, on_event: OnEvent,
               allowed: frozenset[str] = frozenset(), known: Any = UNREAD,
               ready: Callable[[], None] = lambda: None) -> StackResult:
        """Deploy through a change set (`known`: the stack as read under the lock, if read).

        `ready()` (the template check) is waited for before anything changes: before the stack
        is created or an earlier run's leftover deleted, and for a stack that can take an
        update, before its change set (made meanwhile) is executed; if it raises, the change
        set is deleted."""
        if not (isinstance(known, dict) and known.get("StackStatus") in UPDATABLE):
            ready()  # a CREATE change set makes a stack (in review): wait first
        current = self.ops.usable(req.name, on_event, req.recreate, stack, known)
        change_set = self.create(req, "CREATE" if current is None else "UPDATE", on_event)
        if change_set.empty:
            self.discard(change_set)
            if current:  # unchanged, but protected as the environment says
                self.ops.protect(current, req, on_event)
            return StackResult("unchanged", current["StackStatus"] if current else "",
                               self.ops.outputs(req.name) or {})
        if change_set.status == "FAILED":
            self.discard(change_set)
            return StackResult("updated", "FAILED", ok=False, reason=change_set.reason)
        try:
            refused = blocked(stack, change_set.changes, allowed,
                              lambda change: self.holds_data(req.name, change))
        except BaseException:
            self.discard_quietly(change_set)
            raise
        if refused:
            self.discard(change_set)
            allow = " ".join(f"--allow-replace {stack}.{c.logical_id}" for c in refused)
            return StackResult("updated", "REFUSED", ok=False, reason=(
                "would lose data: " + "; ".join(map(str, refused))
                + f" (nothing was changed; if this is intended: {allow})"))
        try:
            ready()
        except BaseException:
            self.discard_quietly(change_set)
            raise
        if current:
            self.ops.protect(current, req, on_event)
        return self.execute(change_set, req, on_event)

    def create(self, req: StackRequest, kind: str, on_event: OnEvent) -> ChangeSet:
        name = f"ws-{uuid.uuid4().hex[:16]}"  # unique: never collides with another run's
        args: dict[str, Any] = dict(StackName=req.name, ChangeSetName=name, ChangeSetType=kind,
                                    Parameters=parameters_arg(req.parameters),
                                    Tags=tags_arg(req.tags), **req.template, **self.ops.mode)
        if req.capabilities:
            args["Capabilities"] = list(req.capabilities)
        on_event(f"creating change set {name} ({kind.lower()})")
        try:
            made = self.cfn.create_change_set(**args)
        except ClientError as exc:  # some endpoints refuse a no-op outright instead
            if not any(text in message_of(exc) for text in _EMPTY):
                raise
            return ChangeSet("", req.name, kind, "FAILED", message_of(exc), ())
        try:
            return self._described(made["Id"], req.name, kind, made.get("StackId", ""))
        except BaseException:  # an error, or the run stopped waiting: nothing is left behind
            self.discard_quietly(ChangeSet(made["Id"], req.name, kind, "", "", (),
                                           made.get("StackId", "")))
            raise

    def execute(self, change_set: ChangeSet, req: StackRequest, on_event: OnEvent) -> StackResult:
        on_event(f"executing change set: {len(change_set.changes)} resource change(s)")
        with self.ops.updating(req.name) if change_set.kind == "UPDATE" else nullcontext():
            asked = self.ops.now()
            try:
                self.cfn.execute_change_set(ChangeSetName=change_set.id)
            except ClientError as exc:
                self.discard_quietly(change_set)
                return StackResult("updated", "FAILED", ok=False, reason=message_of(exc))
            action = "created" if change_set.kind == "CREATE" else "updated"
            result = self.ops.finish(action, req.name, req.name, on_event, since=asked)
        if result.ok and change_set.kind == "CREATE" and req.termination_protection:
            self.cfn.update_termination_protection(StackName=req.name,
                                                   EnableTerminationProtection=True)
        return result

    def discard(self, change_set: ChangeSet) -> None:
        """Delete the change set; the stack a CREATE change set made for review goes too, by
        its id (never a stack of the same name made since) and only while still in review."""
        if not change_set.id:
            return  # never made
        self.cfn.delete_change_set(ChangeSetName=change_set.id)
        if change_set.kind == "CREATE" and change_set.stack_id:
            current = self.ops.describe(change_set.stack_id)
            if current is not None and current["StackStatus"] == "REVIEW_IN_PROGRESS":
                self.cfn.delete_stack(StackName=change_set.stack_id)

    def discard_quietly(self, change_set: ChangeSet) -> None:
        """`discard`, on the way out of a failure: its own failure (the endpoint unreachable)
        is logged, and the failure that brought it here is the one raised."""
        try:
            self.discard(change_set)
        except (ClientError, BotoCoreError) as exc:
            log.warning("%s: the change set %s could not be deleted: %s", change_set.stack_name,
                        change_set.id, exc)

    def _described(self, change_set_id: str, stack_name: str, kind: str,
                   stack_id: str) -> ChangeSet:
        pause = 0.2  # often at first (most change sets take a second or two), then less
        while True:
            page = self.cfn.describe_change_set(ChangeSetName=change_set_id)
            if page["Status"] in ("CREATE_COMPLETE", "FAILED"):
                break
            self.ops.sleep(min(pause, self.ops.poll, 2.0))
            pause *= 1.5
        status, reason = page["Status"], page.get("StatusReason", "")
        changes = list(page.get("Changes", []))
        while page.get("NextToken"):
            page = self.cfn.describe_change_set(ChangeSetName=change_set_id,
                                                NextToken=page["NextToken"])
            changes += page.get("Changes", [])
        return ChangeSet(change_set_id, stack_name, kind, status, reason,
                         tuple(_change(c["ResourceChange"]) for c in changes
                               if "ResourceChange" in c), stack_id)


def _change(item: dict[str, Any]) -> Change:
    return Change(item.get("Action", ""), item.get("LogicalResourceId", ""),
                  item.get("ResourceType", ""), str(item.get("Replacement", "")))
