"""A stack operation that fails on the local endpoint ends as it does on CloudFormation.

moto lets a resource's exception escape a create: the stack stayed CREATE_IN_PROGRESS with the
failed resource still in its map, and moto tried to create it again whenever the stack's
outputs or resources were read, so every later DescribeStacks answered an HTML 500. Here:

- create: the failed resource gets a CREATE_FAILED event with moto's error, what was made is
  deleted (newest first), the stack is emptied (no resources, outputs or exports left to
  evaluate) and ends ROLLBACK_COMPLETE; the CreateStack call itself succeeds, as on AWS.
- update, and a change set's execution: ws.local.updaterollback.
- outputs are evaluated inside the operation (a failing output fails it), never by a read.
"""
from __future__ import annotations

import logging
from typing import Any, Callable

from moto.cloudformation import parsing
from moto.cloudformation.exceptions import ValidationError
from moto.cloudformation.models import CloudFormationBackend, Event, Stack
from moto.core.exceptions import ServiceException

log = logging.getLogger("ws.local")


class ResourceFailed(ValidationError):
    """A resource of the template could not be created or updated."""

    def __init__(self, logical_id: str, verb: str, reason: str) -> None:
        super().__init__(message=f"{logical_id} {verb}_FAILED: {reason}")
        self.logical_id, self.verb, self.reason = logical_id, verb, reason


def reason_of(exc: BaseException) -> str:
    """moto's error text on one line (at most 500 characters)."""
    text = getattr(exc, "message", None) or str(exc) or type(exc).__name__
    return " ".join(str(text).split())[:500]


def failure_of(exc: BaseException, stack: Stack, verb: str) -> ResourceFailed:
    """The failure as a resource's; one outside any resource is the stack's own."""
    return exc if isinstance(exc, ResourceFailed) else \
        ResourceFailed(stack.name, verb, reason_of(exc) or type(exc).__name__)


def evaluate_outputs(stack: Stack, verb: str) -> None:
    """Evaluate every output now (inside the operation), so that no read has to."""
    for key in stack.output_map:
        try:
            stack.output_map[key]
        except ResourceFailed:
            raise
        except Exception as exc:  # noqa: BLE001 - the output's failure, named
            raise ResourceFailed(f"Outputs.{key}", verb, reason_of(exc)) from exc


def create_stack(moto_create: Callable[..., Stack]) -> Callable[..., Stack]:
    """CloudFormationBackend.create_stack that rolls a failed create back."""
    def create(self: CloudFormationBackend, name: str, *args: Any, **kwargs: Any) -> Stack:
        if any(s.name == name for s in list(self.stacks.values())):
            return moto_create(self, name, *args, **kwargs)  # moto refuses it: AlreadyExists
        try:
            stack = moto_create(self, name, *args, **kwargs)
            evaluate_outputs(stack, "CREATE")
            return stack
        except Exception as exc:  # noqa: BLE001 - every failure must end the stack cleanly
            stack = next((s for s in list(self.stacks.values()) if s.name == name), None)
            if stack is None:  # refused before anything was stored: an error, as on AWS
                raise exc if isinstance(exc, ServiceException) else \
                    ValidationError(message=reason_of(exc)) from exc
            roll_back_create(self, stack, failure_of(exc, stack, "CREATE"))
            return stack
    return create


def roll_back_create(backend: CloudFormationBackend, stack: Stack, failed: ResourceFailed) -> None:
    """Record the failure, delete what the create made (newest first), empty the stack."""
    log.warning("stack %s: %s; rolling back", stack.name, failed.message)
    try:
        if not stack.events:  # it failed as moto read its exports, before the create began
            stack._add_stack_event("CREATE_IN_PROGRESS", resource_status_reason="User Initiated")
        add_event(stack, failed.logical_id, f"{failed.verb}_FAILED", failed.reason)
        stack._add_stack_event("ROLLBACK_IN_PROGRESS", resource_status_reason=(
            f"The following resource(s) failed to create: [{failed.logical_id}]. "
            "Rollback requested by user."))
        delete_made(stack, [lid for lid in stack.resource_map._parsed_resources
                            if lid in stack.resource_map._resource_json_map])
    finally:  # whatever failed above, the stack is left empty and readable
        _emptied(backend, stack, f"{failed.logical_id} {failed.verb}_FAILED: {failed.reason}")


def _emptied(backend: CloudFormationBackend, stack: Stack, reason: str) -> None:
    """ROLLBACK_COMPLETE with no resources, outputs or exports left to evaluate."""
    stack.resource_map._resource_json_map = {}
    stack.output_map = parsing.OutputMap(stack.resource_map, {"Outputs": {}}, stack.stack_id)
    for name in [n for n, e in backend.exports.items() if e.exporting_stack_id == stack.stack_id]:
        backend.exports.pop(name)
    stack.status, stack.stack_status_reason = "ROLLBACK_COMPLETE", reason
    stack._add_stack_event("ROLLBACK_COMPLETE")


def delete_made(stack: Stack, logical_ids: list[str],
                json_map: dict[str, Any] | None = None) -> None:
    """Delete these resources of the stack, newest first; each gets its event."""
    resources = stack.resource_map
    specs = json_map if json_map is not None else resources._resource_json_map
    for logical_id in reversed(logical_ids):
        made = resources._parsed_resources.pop(logical_id, None)
        if made is None:
            continue
        try:
            resources._delete_resource(made, specs[logical_id])
        except Exception as exc:  # noqa: BLE001 - left in the endpoint, said so
            log.exception("stack %s: could not delete %s", stack.name, logical_id)
            add_event(stack, logical_id, "DELETE_FAILED", reason_of(exc), specs)
            continue
        add_event(stack, logical_id, "DELETE_COMPLETE", None, specs)


def add_event(stack: Stack, logical_id: str, status: str, reason: str | None,
              specs: dict[str, Any] | None = None) -> None:
    """A resource's event (moto records only the stack's own)."""
    spec = (specs if specs is not None else stack.template_dict.get("Resources") or {}
            ).get(logical_id) or {}
    stack.events.append(Event(
        stack_id=stack.stack_id, stack_name=stack.name, logical_resource_id=logical_id,
        physical_resource_id="", resource_type=str(spec.get("Type", "")),
        resource_status=status, resource_status_reason=reason, resource_properties=None))


def nested_stack(moto_make: Callable[..., Stack]) -> Callable[..., Stack]:
    """AWS::CloudFormation::Stack's create, failing as a resource when its stack rolled back
    (create_stack no longer raises: the nested stack's failure is its parent's)."""
    def make(cls: type, *args: Any, **kwargs: Any) -> Stack:
        stack = moto_make(*args, **kwargs)
        if stack.status == "ROLLBACK_COMPLETE":
            failed = [e for e in stack.events if e.resource_status.endswith("_FAILED")]
            why = f"{failed[0].logical_resource_id} {failed[0].resource_status}: " \
                f"{failed[0].resource_status_reason}" if failed else "it rolled back"
            raise ValidationError(message=f"nested stack {stack.name} failed: {why}")
        return stack
    return make
