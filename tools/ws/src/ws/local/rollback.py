"""A stack operation that fails on the local endpoint ends as it does on CloudFormation.

moto lets a resource's exception escape a create: the stack stayed CREATE_IN_PROGRESS with the
failed resource still in its map, and moto tried to create it again whenever the stack's
outputs or resources were read, so every later DescribeStacks answered an HTML 500. Here:

- create: the failed resource gets a CREATE_FAILED event with moto's error, what was made is
  deleted (newest first), the stack is emptied (no resources, outputs or exports left to
  evaluate) and ends ROLLBACK_COMPLETE; the CreateStack call itself succeeds, as on AWS.
- update: what the update added is deleted, what it changed is changed back, what it removed
  is made again, the previous template restored: UPDATE_ROLLBACK_COMPLETE (as far as moto's
  resources allow: a failure there is logged and the stack is left usable).
- a change set whose execution fails: the same, by its type.
- outputs are evaluated inside the operation (a failing output fails it), never by a read.
"""
from __future__ import annotations

import copy
import logging
from dataclasses import dataclass
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
        if any(s.name == name for s in self.stacks.values()):
            return moto_create(self, name, *args, **kwargs)  # moto refuses it: AlreadyExists
        try:
            stack = moto_create(self, name, *args, **kwargs)
            evaluate_outputs(stack, "CREATE")
            return stack
        except Exception as exc:  # noqa: BLE001 - every failure must end the stack cleanly
            stack = next((s for s in self.stacks.values() if s.name == name), None)
            if stack is None:  # refused before anything was stored: an error, as on AWS
                raise exc if isinstance(exc, ServiceException) else \
                    ValidationError(message=reason_of(exc)) from exc
            roll_back_create(self, stack, failure_of(exc, stack, "CREATE"))
            return stack
    return create


def roll_back_create(backend: CloudFormationBackend, stack: Stack, failed: ResourceFailed) -> None:
    log.warning("stack %s: %s; rolling back", stack.name, failed.message)
    if not stack.events:  # it failed as moto read its exports, before the create began
        stack._add_stack_event("CREATE_IN_PROGRESS", resource_status_reason="User Initiated")
    _event(stack, failed.logical_id, f"{failed.verb}_FAILED", failed.reason)
    stack._add_stack_event("ROLLBACK_IN_PROGRESS", resource_status_reason=(
        f"The following resource(s) failed to create: [{failed.logical_id}]. "
        "Rollback requested by user."))
    _delete(stack, [lid for lid in stack.resource_map._parsed_resources
                    if lid in stack.resource_map._resource_json_map])
    stack.resource_map._resource_json_map = {}
    stack.output_map = parsing.OutputMap(stack.resource_map, {"Outputs": {}}, stack.stack_id)
    for name in [n for n, e in backend.exports.items() if e.exporting_stack_id == stack.stack_id]:
        backend.exports.pop(name)
    stack.status = "ROLLBACK_COMPLETE"
    stack._add_stack_event("ROLLBACK_COMPLETE")


def _delete(stack: Stack, logical_ids: list[str],
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
            _event(stack, logical_id, "DELETE_FAILED", reason_of(exc), specs)
            continue
        _event(stack, logical_id, "DELETE_COMPLETE", None, specs)


def _event(stack: Stack, logical_id: str, status: str, reason: str | None,
           specs: dict[str, Any] | None = None) -> None:
    spec = (specs if specs is not None else stack.template_dict.get("Resources") or {}
            ).get(logical_id) or {}
    stack.events.append(Event(
        stack_id=stack.stack_id, stack_name=stack.name, logical_resource_id=logical_id,
        physical_resource_id="", resource_type=str(spec.get("Type", "")),
        resource_status=status, resource_status_reason=reason, resource_properties=None))


@dataclass
class Before:
    """What an update changes in a stack, as it was."""

    template: Any
    template_dict: dict[str, Any]
    description: Any
    parameters: dict[str, Any]
    specs: dict[str, Any]
    rm_template: dict[str, Any]
    input_parameters: dict[str, Any]
    resolved_parameters: dict[str, Any]
    no_echo: list[str]
    conditions: Any
    made: dict[str, Any]
    output_map: Any

    @classmethod
    def of(cls, stack: Stack) -> Before:
        rm = stack.resource_map
        return cls(stack.template, stack.template_dict, stack.description, stack.parameters,
                   rm._resource_json_map, rm._template, rm.input_parameters,
                   dict(rm.resolved_parameters), list(getattr(rm, "no_echo_parameter_keys", [])),
                   getattr(rm, "lazy_condition_map", None), dict(rm._parsed_resources),
                   stack.output_map)


def update(moto_update: Callable[..., None]) -> Callable[..., None]:
    """Stack.update that rolls a failed update back."""
    def run(self: Stack, *args: Any, **kwargs: Any) -> None:
        before, updated = Before.of(self), False
        try:
            moto_update(self, *args, **kwargs)
            updated = True
            evaluate_outputs(self, "UPDATE")
        except Exception as exc:  # noqa: BLE001 - every failure must end the stack cleanly
            # moto deletes what the update removes, adds, then changes (each change tried
            # even when another fails): how far it got says what to undo.
            failed = failure_of(exc, self, "UPDATE")
            adding = isinstance(exc, ResourceFailed) and failed.verb == "CREATE"
            roll_back_update(self, before, failed,
                             removed_gone=updated or isinstance(exc, ResourceFailed),
                             changed_too=updated or isinstance(exc, ResourceFailed) and not adding)
    return run


def execute_change_set(moto_execute: Callable[..., None]) -> Callable[..., None]:
    """CloudFormationBackend.execute_change_set that rolls a failed execution back."""
    def run(self: CloudFormationBackend, change_set_name: str, *args: Any, **kwargs: Any) -> None:
        change_set = self.change_sets.get(change_set_name) or next(
            (c for c in self.change_sets.values() if c.change_set_name == change_set_name), None)
        stack = self.stacks.get(change_set.stack_id) if change_set is not None else None
        if stack is None:
            return moto_execute(self, change_set_name, *args, **kwargs)  # moto's own error
        before = Before.of(stack)
        try:
            return moto_execute(self, change_set_name, *args, **kwargs)
        except Exception as exc:  # noqa: BLE001 - every failure must end the stack cleanly
            change_set.execution_status = "EXECUTE_FAILED"
            if change_set.change_set_type == "CREATE":
                return roll_back_create(self, stack, failure_of(exc, stack, "CREATE"))
            failed = failure_of(exc, stack, "UPDATE")
            known = isinstance(exc, ResourceFailed)
            roll_back_update(stack, before, failed, removed_gone=known,
                             changed_too=known and failed.verb != "CREATE")
    return run


def roll_back_update(stack: Stack, before: Before, failed: ResourceFailed,
                     removed_gone: bool = True, changed_too: bool = True) -> None:
    log.warning("stack %s: %s; rolling back the update", stack.name, failed.message)
    _event(stack, failed.logical_id, f"{failed.verb}_FAILED", failed.reason)
    stack._add_stack_event("UPDATE_ROLLBACK_IN_PROGRESS", resource_status_reason=(
        f"The following resource(s) failed to {failed.verb.lower()}: [{failed.logical_id}]."))
    rm, new_specs = stack.resource_map, stack.template_dict.get("Resources") or {}
    _delete(stack, [lid for lid in rm._parsed_resources
                    if lid not in before.made and lid in new_specs], new_specs)
    removed = [lid for lid in before.specs if lid not in new_specs]
    changed = [lid for lid in before.specs if lid in new_specs and lid != failed.logical_id
               and new_specs[lid] != before.specs[lid]] if changed_too else []
    _restore(stack, before)
    for lid in removed if removed_gone else []:
        rm._parsed_resources.pop(lid, None)  # deleted: made again below
    for lid in removed + changed:
        _bring_back(stack, lid, changed=lid in changed)
    stack.output_map = stack._create_output_map()
    try:
        evaluate_outputs(stack, "UPDATE")
    except Exception:  # noqa: BLE001 - the outputs as they were before the update
        log.exception("stack %s: outputs after the rollback", stack.name)
        stack.output_map = before.output_map
    stack.status = "UPDATE_ROLLBACK_COMPLETE"
    stack._add_stack_event("UPDATE_ROLLBACK_COMPLETE")


def _restore(stack: Stack, before: Before) -> None:
    rm = stack.resource_map
    stack.template, stack.template_dict = before.template, before.template_dict
    stack.description, stack.parameters = before.description, before.parameters
    live = {lid: r for lid, r in rm._parsed_resources.items() if lid in before.made}
    rm._resource_json_map, rm._template = before.specs, before.rm_template
    rm.input_parameters, rm.resolved_parameters = before.input_parameters, before.resolved_parameters
    rm.no_echo_parameter_keys, rm.lazy_condition_map = before.no_echo, before.conditions
    rm._parsed_resources = {**before.made, **live}


def _bring_back(stack: Stack, logical_id: str, changed: bool) -> None:
    """Make a resource the update removed, or change back one it changed."""
    rm, spec = stack.resource_map, copy.deepcopy(stack.resource_map._resource_json_map[logical_id])
    try:
        if not changed:
            rm[logical_id]  # made from the previous template, as a read of the map makes it
        elif logical_id in rm._parsed_resources:
            rm._parsed_resources[logical_id] = parsing.parse_and_update_resource(
                logical_id, spec, rm, account_id=rm._account_id, region_name=rm._region_name
            ) or rm._parsed_resources[logical_id]
        _event(stack, logical_id, "UPDATE_COMPLETE", None)
    except Exception as exc:  # noqa: BLE001 - kept as the update left it
        log.exception("stack %s: could not roll %s back", stack.name, logical_id)
        _event(stack, logical_id, "UPDATE_FAILED", reason_of(exc))


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
