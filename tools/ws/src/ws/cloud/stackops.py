"""CloudFormation operations on one stack: bring it to a usable state, create/update, delete
(waiting for them: stackwait.py)."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

from botocore.exceptions import BotoCoreError, ClientError
from botocore.parsers import ResponseParserError

from ws.cloud import leftovers
from ws.cloud.awserrors import message_of
from ws.cloud.livestate import outputs_of
from ws.cloud.stackwait import GOOD, OnEvent, StackWaits
from ws.errors import DeployError

# A stack that exists and can take an update_stack call.
UPDATABLE = GOOD | {"UPDATE_ROLLBACK_COMPLETE", "IMPORT_ROLLBACK_COMPLETE"}
UNREAD: Any = object()  # `known` when the caller has not read the stack: describe it


def _abandoned(current: dict[str, Any], on_event: OnEvent) -> dict[str, Any]:
    """A stack *_IN_PROGRESS on an endpoint that finishes every call before answering: the
    call died half-way. A create is recreated (leftovers.AUTO_RECREATE); an update is updated
    again (the stack and its data stay); anything else is left to --recreate."""
    status = current["StackStatus"]
    on_event(f"found {status} left by a failed call")
    if status.startswith("UPDATE_"):
        return {**current, "StackStatus": "UPDATE_ROLLBACK_COMPLETE"}
    return current


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


EXPRESS = {"DeploymentConfig": {"Mode": "EXPRESS"}}


@dataclass
class StackOps(StackWaits):
    """Stack operations over one CloudFormation client (clients are thread-safe); how they
    are waited for: stackwait.py. `mode` goes with every create, update, change set and
    delete (EXPRESS: CloudFormation ends each operation once the resources' configuration is
    applied, without waiting for them to be ready to serve)."""

    mode: dict[str, Any] = field(default_factory=dict)

    def deploy(self, req: StackRequest, on_event: OnEvent, known: Any = UNREAD) -> StackResult:
        """Create or update `req.name`, first recovering a stack left unusable by an earlier run
        (`known`: the stack as the caller read it under the lock, None if absent)."""
        current = self.usable(req.name, on_event, req.recreate, req.stack, known)
        args = dict(StackName=req.name, Parameters=parameters_arg(req.parameters),
                    Tags=tags_arg(req.tags), **req.template, **self.mode)
        if req.capabilities:
            args["Capabilities"] = list(req.capabilities)
        if current is None:
            return self._call("created", req.name, on_event, self.cfn.create_stack,
                              EnableTerminationProtection=req.termination_protection, **args)
        self.protect(current, req, on_event)
        with self.updating(req.name):
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
        return self._delete(name, current["StackId"], on_event, defer=True)

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
        """Ask CloudFormation to cancel an update in progress; False if there was none (the
        caller asks only for updates this run started: `ours`)."""
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
                return _abandoned(current, on_event)
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

    def finish(self, action: str, name: str, stack_id: str, on_event: OnEvent,
               since: float | None = None) -> StackResult:
        """Wait for an operation started on the stack (asked for at `since`, by `now()`) and
        say how it ended."""
        final = self._wait(name, stack_id, on_event, since=since, defer=True)
        status = final["StackStatus"] if final else "DELETE_COMPLETE"
        if status not in GOOD:
            return StackResult(action, status, ok=False,
                               reason=self._failure(stack_id, status, final))
        return StackResult(action, status, outputs_of(final))

    def _delete(self, name: str, stack_id: str, on_event: OnEvent,
                retain: tuple[str, ...] = (), defer: bool = False) -> StackResult:
        on_event(f"deleting stack {name}"
                 + (f", keeping {', '.join(retain)} (left in the account)" if retain else ""))
        extra = {"RetainResources": list(retain)} if retain else {}
        extra.update(self.mode)
        asked = self.now()
        try:
            self.cfn.delete_stack(StackName=stack_id, **extra)
        except (ClientError, ResponseParserError) as exc:
            return StackResult("deleted", "DELETE_FAILED", ok=False, reason=message_of(exc))
        # Poll by name, not id: describing a deleted stack by id makes the local endpoint
        # evaluate its outputs again, which re-creates the resources they reference.
        final = self._wait(name, name, on_event, events_of=stack_id, deleting=True, since=asked,
                           defer=defer)
        if final is not None and final["StackStatus"] != "DELETE_COMPLETE":
            return StackResult("deleted", final["StackStatus"], ok=False,
                               reason=self._failure(stack_id, final["StackStatus"], final))
        return StackResult("deleted", "DELETE_COMPLETE")


def parameters_arg(values: dict[str, str]) -> list[dict[str, str]]:
    return [{"ParameterKey": k, "ParameterValue": v} for k, v in sorted(values.items())]


def tags_arg(values: dict[str, str]) -> list[dict[str, str]]:
    return [{"Key": k, "Value": v} for k, v in sorted(values.items())]
