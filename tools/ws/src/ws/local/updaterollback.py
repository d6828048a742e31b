"""A failed update on the local endpoint rolls back as on CloudFormation: what the update added
is deleted, what it changed is changed back, what it removed is made again and the previous
template, parameters and outputs restored: UPDATE_ROLLBACK_COMPLETE (as far as moto's resources
allow: a failure there is logged, and the stack is left usable). A change set whose execution
fails rolls back by its type (ws.local.rollback for a CREATE one)."""
from __future__ import annotations

import copy
import logging
from dataclasses import dataclass
from typing import Any, Callable

from moto.cloudformation import parsing
from moto.cloudformation.models import CloudFormationBackend, Stack

from .rollback import (
    ResourceFailed,
    add_event,
    delete_made,
    evaluate_outputs,
    failure_of,
    reason_of,
    roll_back_create,
)

log = logging.getLogger("ws.local")


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
        # A template CloudFormation refuses is refused before the update begins, as on AWS.
        self.parse_template(args[0] if args else kwargs["template"])
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
    try:
        add_event(stack, failed.logical_id, f"{failed.verb}_FAILED", failed.reason)
        stack._add_stack_event("UPDATE_ROLLBACK_IN_PROGRESS", resource_status_reason=(
            f"The following resource(s) failed to {failed.verb.lower()}: [{failed.logical_id}]."))
        _undo(stack, before, failed, removed_gone, changed_too)
    except Exception:  # noqa: BLE001 - the previous template, as far as it got
        log.exception("stack %s: rolling the update back failed", stack.name)
        _restore(stack, before)
        stack.output_map = before.output_map
    stack.status = "UPDATE_ROLLBACK_COMPLETE"
    stack.stack_status_reason = f"{failed.logical_id} {failed.verb}_FAILED: {failed.reason}"
    stack._add_stack_event("UPDATE_ROLLBACK_COMPLETE")


def _undo(stack: Stack, before: Before, failed: ResourceFailed, removed_gone: bool,
          changed_too: bool) -> None:
    """Delete what the update added, restore the previous template, make again what it
    removed and change back what it changed; then the outputs."""
    rm, new_specs = stack.resource_map, stack.template_dict.get("Resources") or {}
    delete_made(stack, [lid for lid in rm._parsed_resources
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


def _restore(stack: Stack, before: Before) -> None:
    rm = stack.resource_map
    stack.template, stack.template_dict = before.template, before.template_dict
    stack.description, stack.parameters = before.description, before.parameters
    live = {lid: r for lid, r in rm._parsed_resources.items() if lid in before.made}
    rm._resource_json_map, rm._template = before.specs, before.rm_template
    rm.input_parameters = before.input_parameters
    rm.resolved_parameters = before.resolved_parameters
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
        add_event(stack, logical_id, "UPDATE_COMPLETE", None)
    except Exception as exc:  # noqa: BLE001 - kept as the update left it
        log.exception("stack %s: could not roll %s back", stack.name, logical_id)
        add_event(stack, logical_id, "UPDATE_FAILED", reason_of(exc))
