"""CloudFormation operations on one stack: bring it to a usable state, create/update, delete, wait."""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any, Callable

from botocore.exceptions import BotoCoreError, ClientError
from botocore.parsers import ResponseParserError

from ws.cloud import leftovers
from ws.cloud.awserrors import is_throttling, message_of
from ws.cloud.livestate import describe_one, outputs_of
from ws.cloud.watcher import Abandoned, Watcher
from ws.errors import DeployError

OnEvent = Callable[[str], None]
GOOD = {"CREATE_COMPLETE", "UPDATE_COMPLETE", "IMPORT_COMPLETE"}
# A stack that exists and can take an update_stack call.
UPDATABLE = GOOD | {"UPDATE_ROLLBACK_COMPLETE", "IMPORT_ROLLBACK_COMPLETE"}
# The stack-level status an operation begins with: its first event, and nothing to report yet.
STARTS = {"CREATE_IN_PROGRESS", "UPDATE_IN_PROGRESS", "DELETE_IN_PROGRESS", "IMPORT_IN_PROGRESS"}
UNREAD: Any = object()  # `known` when the caller has not read the stack: describe it


def needs_recreate(stack: dict[str, Any]) -> bool:
    """Would a deploy stop at this stack until told `--recreate` (see StackOps.usable)? Not
    when it can take an update, is busy (waited for), has an update rollback to continue, or
    is a failed create ws recreates by itself."""
    status = stack["StackStatus"]
    if status in UPDATABLE or status == "UPDATE_ROLLBACK_FAILED":
        return False
    if status.endswith("_IN_PROGRESS") and status != "REVIEW_IN_PROGRESS":
        return False
    return not leftovers.Leftover("", status, bool(stack.get("EnableTerminationProtection"))
                                  ).automatic


@dataclass(frozen=True)
class StackRequest:
    """Everything CloudFormation needs to create or update one stack."""

    name: str
    template: dict[str, str]  # {"TemplateBody": ...} or {"TemplateURL": ...}
    parameters: dict[str, str]
    tags: dict[str, str]
    capabilities: tuple[str, ...] = ()  # only what the template needs (capabilities.py)
    termination_protection: bool = False
    stack: str = ""  # the workspace's name for it (messages); default: `name`
    recreate: bool = False  # told (--recreate) to delete and recreate a stack left unusable


@dataclass
class StackResult:
    """The outcome of one stack operation; `ok` False is a failure."""

    action: str  # created | updated | unchanged | deleted | absent
    status: str
    outputs: dict[str, str] = field(default_factory=dict)
    ok: bool = True
    reason: str = ""


@dataclass
class StackOps:
    """Stack operations over one CloudFormation client (clients are thread-safe)."""

    cfn: Any
    synchronous: bool = False  # True where the endpoint finishes every call before answering
    sleep: Callable[[float], None] = time.sleep
    poll: float = 5.0
    timeout: float = 3 * 3600
    watcher: Watcher | None = None  # asynchronous targets: one watcher for all operations

    def describe(self, name: str) -> dict[str, Any] | None:
        stack = describe_one(self.cfn, name)
        return stack if stack and stack["StackStatus"] != "DELETE_COMPLETE" else None

    def deploy(self, req: StackRequest, on_event: OnEvent, known: Any = UNREAD) -> StackResult:
        """Create or update `req.name`, first recovering a stack left unusable by an earlier run
        (`known`: the stack as the caller read it under the lock, None if absent)."""
        current = self.usable(req.name, on_event, req.recreate, req.stack, known)
        args = dict(StackName=req.name, Parameters=parameters_arg(req.parameters),
                    Tags=tags_arg(req.tags), **req.template)
        if req.capabilities:
            args["Capabilities"] = list(req.capabilities)
        if current is None:
            return self._call("created", req.name, on_event, self.cfn.create_stack,
                              EnableTerminationProtection=req.termination_protection, **args)
        self.protect(current, req, on_event)
        return self._call("updated", req.name, on_event, self.cfn.update_stack, **args)

    def usable(self, name: str, on_event: OnEvent, recreate: bool = False,
               stack: str = "", known: Any = UNREAD) -> dict[str, Any] | None:
        """The stack, settled and able to take an update; None when it must be created.

        A failed create (ROLLBACK_COMPLETE) is deleted first; any other unusable state stops
        the stack with what was found and what to do, unless `recreate` (see leftovers.py).
        """
        current = self._settle(name, on_event, known)
        if current is None or current["StackStatus"] in UPDATABLE:
            return current
        left = leftovers.inspect(self.cfn, stack or name, current)
        if not (left.automatic or recreate):
            raise DeployError(*left.refusal())
        on_event(f"recreating: found {left.status}"
                 + (" from an earlier failed create" if left.automatic else " (--recreate)"))
        if left.protected:
            self._unprotect(current, on_event)  # only here: --recreate said so
        result = self._delete(name, current["StackId"], on_event, left.retained)
        if not result.ok:
            raise DeployError(f"could not delete the {left.status} stack: {result.reason}",
                              "see the stack's events in the CloudFormation console")
        return None

    def delete(self, name: str, on_event: OnEvent, unprotect: bool = False,
               known: Any = UNREAD) -> StackResult:
        current = self._settle(name, on_event, known)
        if current is None:
            return StackResult("absent", "DELETE_COMPLETE")
        if unprotect:
            self._unprotect(current, on_event)
        return self._delete(name, current["StackId"], on_event)

    def protect(self, current: dict[str, Any], req: StackRequest, on_event: OnEvent) -> None:
        """Turn termination protection on for an existing stack that should have it."""
        if req.termination_protection and not current.get("EnableTerminationProtection"):
            on_event("turning termination protection on")
            self.cfn.update_termination_protection(StackName=req.name,
                                                   EnableTerminationProtection=True)

    def is_protected(self, name: str) -> bool:
        current = self.describe(name)
        return bool(current and current.get("EnableTerminationProtection"))

    def _unprotect(self, current: dict[str, Any], on_event: OnEvent) -> None:
        if current.get("EnableTerminationProtection"):
            on_event("turning termination protection off")
            self.cfn.update_termination_protection(StackName=current["StackId"],
                                                   EnableTerminationProtection=False)

    def cancel_update(self, name: str) -> bool:
        """Ask CloudFormation to cancel an update in progress; False if there was none."""
        try:
            self.cfn.cancel_update_stack(StackName=name)
        except (ClientError, BotoCoreError, ResponseParserError):  # unreadable, dropped too
            return False  # not updating (creating, or already done): nothing to cancel
        return True

    def outputs(self, name: str) -> dict[str, str] | None:
        stack = self.describe(name)
        return None if stack is None else outputs_of(stack)

    def _settle(self, name: str, on_event: OnEvent, known: Any = UNREAD) -> dict[str, Any] | None:
        """Describe the stack (unless `known`) once it is not busy; continue a failed update
        rollback."""
        current = self.describe(name) if known is UNREAD else known
        if current and current["StackStatus"].endswith("_IN_PROGRESS") \
                and current["StackStatus"] != "REVIEW_IN_PROGRESS":
            if self.synchronous:  # nothing is running: an earlier call died half-way
                on_event(f"found {current['StackStatus']} left by a failed call")
                return {**current, "StackStatus": "CREATE_FAILED"}
            on_event(f"waiting: stack is {current['StackStatus']}")
            current = self._wait(name, current["StackId"], on_event)
        if current and current["StackStatus"] == "UPDATE_ROLLBACK_FAILED":
            on_event("continuing the failed update rollback")
            self.cfn.continue_update_rollback(StackName=name)
            current = self._wait(name, current["StackId"], on_event)
        return current

    def _call(self, action: str, name: str, on_event: OnEvent, fn: Callable[..., Any],
              **args: Any) -> StackResult:
        on_event(f"{'creating' if action == 'created' else 'updating'} stack {name}")
        asked = self.now()
        try:
            stack_id = fn(**args)["StackId"]
        except (ClientError, ResponseParserError) as exc:
            if "No updates are to be performed" in message_of(exc):
                return StackResult("unchanged", "UPDATE_COMPLETE", self.outputs(name) or {})
            return StackResult(action, "FAILED", ok=False, reason=message_of(exc))
        return self.finish(action, name, stack_id, on_event, since=asked)

    def now(self) -> float:
        """The watcher's clock: when an operation is asked for (its durations start there)."""
        return self.watcher.clock() if self.watcher is not None else time.monotonic()

    def finish(self, action: str, name: str, stack_id: str, on_event: OnEvent,
               since: float | None = None) -> StackResult:
        """Wait for an operation started on the stack (asked for at `since`, by `now()`) and
        say how it ended."""
        final = self._wait(name, stack_id, on_event, since=since)
        status = final["StackStatus"] if final else "DELETE_COMPLETE"
        if status not in GOOD:
            return StackResult(action, status, ok=False,
                               reason=self._failure(stack_id, status, final))
        return StackResult(action, status, outputs_of(final))

    def _delete(self, name: str, stack_id: str, on_event: OnEvent,
                retain: tuple[str, ...] = ()) -> StackResult:
        on_event(f"deleting stack {name}"
                 + (f", keeping {', '.join(retain)} (left in the account)" if retain else ""))
        extra = {"RetainResources": list(retain)} if retain else {}
        asked = self.now()
        try:
            self.cfn.delete_stack(StackName=stack_id, **extra)
        except (ClientError, ResponseParserError) as exc:
            return StackResult("deleted", "DELETE_FAILED", ok=False, reason=message_of(exc))
        # Poll by name, not id: describing a deleted stack by id makes the local endpoint
        # evaluate its outputs again, which re-creates the resources they reference.
        final = self._wait(name, name, on_event, events_of=stack_id, deleting=True, since=asked)
        if final is not None and final["StackStatus"] != "DELETE_COMPLETE":
            return StackResult("deleted", final["StackStatus"], ok=False,
                               reason=self._failure(stack_id, final["StackStatus"], final))
        return StackResult("deleted", "DELETE_COMPLETE")

    def _wait(self, name: str, stack_id: str, on_event: OnEvent, events_of: str | None = None,
              deleting: bool = False, since: float | None = None) -> dict[str, Any] | None:
        """Poll until the stack leaves *_IN_PROGRESS, reporting each new event (`since`: when
        the operation was asked for, if by this run)."""
        if self.watcher is not None and not self.synchronous:
            return self._watched(name, stack_id, on_event, events_of, deleting, since)
        seen: set[str] = set()
        deadline = time.monotonic() + self.timeout
        while True:
            try:
                self._report_events(events_of or stack_id, seen, on_event)
                current = self.describe(stack_id)
            except ClientError as exc:
                if not is_throttling(exc) or time.monotonic() > deadline:
                    raise
                self.sleep(self.poll)  # the operation goes on in CloudFormation: keep watching
                continue
            if current is None or not current["StackStatus"].endswith("_IN_PROGRESS"):
                return None if current and current["StackStatus"] == "DELETE_COMPLETE" else current
            if self.synchronous or time.monotonic() > deadline:
                raise DeployError(f"{name} is still {current['StackStatus']}",
                                  "wait for it to finish, then run ws deploy again")
            self.sleep(self.poll)

    def _watched(self, name: str, key: str, on_event: OnEvent, events_of: str | None = None,
                 deleting: bool = False, since: float | None = None) -> dict[str, Any] | None:
        """Wait for the watcher to see the stack leave *_IN_PROGRESS; events are read only
        when its status changes (not on every look), and once more at the end."""
        assert self.watcher is not None
        ticket, seen, status = self.watcher.watch(name, key, deleting, since), set(), ""
        deadline = time.monotonic() + self.timeout
        try:
            while True:
                ticket.changed.wait(1.0)
                ticket.changed.clear()
                if self.watcher.stop.is_set():
                    raise Abandoned("stopped waiting")
                if ticket.error is not None:
                    raise ticket.error
                if ticket.status != status:
                    status = ticket.status
                    if status not in STARTS:
                        self._operation_events(events_of or key, name, seen, on_event)
                    if not status.endswith("_IN_PROGRESS"):
                        return None if ticket.gone or status == "DELETE_COMPLETE" \
                            else ticket.stack
                if time.monotonic() > deadline:
                    raise DeployError(f"{name} is still {status}",
                                      "wait for it to finish, then run ws deploy again")
        finally:
            self.watcher.done(ticket)

    def _operation_events(self, stack_id: str, name: str, seen: set[str],
                          on_event: OnEvent) -> None:
        """Report this operation's events not reported yet: the newest back to the stack's
        own event that began the operation (older ones belong to earlier operations)."""
        fresh = []
        for event in self.cfn.describe_stack_events(StackName=stack_id)["StackEvents"]:
            if event["EventId"] in seen:
                break
            fresh.append(event)
            if event["LogicalResourceId"] == name and event["ResourceStatus"] in STARTS:
                break
        seen.update(e["EventId"] for e in fresh)
        for event in reversed(fresh):
            reason = event.get("ResourceStatusReason")
            on_event(f"{event['LogicalResourceId']} {event['ResourceStatus']}"
                     + (f": {reason}" if reason else ""))

    def _report_events(self, stack_id: str, seen: set[str], on_event: OnEvent) -> None:
        events = self.cfn.describe_stack_events(StackName=stack_id)["StackEvents"]
        fresh = [e for e in events if e["EventId"] not in seen]
        first_poll = not seen
        seen.update(e["EventId"] for e in events)
        if first_poll:
            fresh = fresh[:1]  # older events belong to earlier operations
        for event in reversed(fresh):
            reason = event.get("ResourceStatusReason")
            on_event(f"{event['LogicalResourceId']} {event['ResourceStatus']}"
                     + (f": {reason}" if reason else ""))

    def _failure(self, stack_id: str, status: str,
                 stack: dict[str, Any] | None = None) -> str:
        """Why the stack ended in `status`: the first failed resource and its reason, else the
        stack's own StackStatusReason, never the bare status alone when either says more."""
        events = self.cfn.describe_stack_events(StackName=stack_id)["StackEvents"]
        failed = [e for e in events if e["ResourceStatus"].endswith("_FAILED")
                  and e.get("ResourceStatusReason")]
        if failed:
            first = failed[-1]  # events are newest first; the earliest failure is the cause
            return f"{status}: {first['LogicalResourceId']} {first['ResourceStatus']}: " \
                f"{first['ResourceStatusReason']}"
        reason = (stack or {}).get("StackStatusReason") or ""
        return f"{status}: {reason}" if reason else status


def parameters_arg(values: dict[str, str]) -> list[dict[str, str]]:
    return [{"ParameterKey": k, "ParameterValue": v} for k, v in sorted(values.items())]


def tags_arg(values: dict[str, str]) -> list[dict[str, str]]:
    return [{"Key": k, "Value": v} for k, v in sorted(values.items())]
