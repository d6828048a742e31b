"""Where moto's CloudFormation differs from AWS in ways ws relies on, made to behave like AWS.

- NoEcho parameters: moto 5 compares each parameter's *value* with the NoEcho parameter
  *names*, so DescribeStacks returns secrets in clear text. Here the names are compared.
- Termination protection: moto stores EnableTerminationProtection but has no
  UpdateTerminationProtection and deletes a protected stack anyway. Here both work as on AWS.
- Resource failures: moto lets a resource's exception escape as an HTML page (HTTP 500) that
  names nothing and leaves the stack half made. Here the failing resource is logged with its
  exception, named in a CREATE_FAILED (UPDATE_FAILED) event with moto's error text, and the
  stack rolled back (ws.local.rollback).
- Text: any Unicode a template or parameter holds is stored and read back; what no stack can
  hold (NUL, other control characters) is refused (ws.local.stacktext).
- No-op updates: moto refuses an update that changes nothing only when parameters are passed,
  so a stack without any was updated on every deploy. Here it is refused as on AWS.
- DependsOn: moto creates a resource another one references when it meets the reference,
  before what that resource DependsOn (an API's deployment, reached from its stage, had no
  methods yet). Here what it depends on is created first, as CloudFormation orders them.
- SSM parameter types: a template parameter naming an SSM parameter that does not exist
  failed with "'NoneType' object has no attribute 'value'". Here it is AWS's ValidationError.
- Kinesis: a stream name already taken was refused with the bare name as its message (a
  stack's CREATE_FAILED read "Records: Records"). Here it is Kinesis's sentence.
"""
from __future__ import annotations

import logging
from typing import Any, Callable

from moto.cloudformation import parsing
from moto.cloudformation.exceptions import ValidationError
from moto.cloudformation.models import ChangeSet, CloudFormationBackend, Stack
from moto.cloudformation.responses import CloudFormationResponse
from moto.core.exceptions import ServiceException
from moto.core.responses import ActionResult
from moto.kinesis.exceptions import ResourceInUseError
from moto.kinesis.models import KinesisBackend

from . import rollback, stacktext, updaterollback
from .rollback import ResourceFailed, reason_of

MASK = "****"
log = logging.getLogger("ws.local")


def _parameter_list(self: Stack) -> list[dict[str, Any]]:
    hidden = set(self.resource_map.no_echo_parameter_keys)
    return [{"ParameterKey": key, "ParameterValue": MASK if key in hidden else value}
            for key, value in self.resource_map.resolved_parameters.items()]


def _live_stack(backend: CloudFormationBackend, name_or_id: str) -> Stack | None:
    return backend.stacks.get(name_or_id) or next(
        (s for s in backend.stacks.values() if s.name == name_or_id), None)


def _update_termination_protection(self: CloudFormationResponse) -> ActionResult:
    name = self._get_param("StackName")
    stack = _live_stack(self.cloudformation_backend, name)
    if stack is None:
        raise ValidationError(name)
    stack.enable_termination_protection = \
        str(self._get_param("EnableTerminationProtection")).lower() == "true"
    return ActionResult({"StackId": stack.stack_id})


_moto_delete_stack = CloudFormationBackend.delete_stack


def _delete_stack(self: CloudFormationBackend, name_or_stack_id: str) -> None:
    stack = _live_stack(self, name_or_stack_id)
    if stack is not None and stack.enable_termination_protection:
        raise ValidationError(message=f"Stack [{stack.name}] cannot be deleted while "
                                      "TerminationProtection is enabled")
    _moto_delete_stack(self, name_or_stack_id)


_NOT_UPDATABLE = ("ROLLBACK_COMPLETE", "ROLLBACK_FAILED", "DELETE_FAILED", "CREATE_FAILED")


def _validate_different_update(self: CloudFormationResponse, incoming: list[dict[str, Any]] | None,
                               body: str, old: Stack) -> None:
    """"No updates are to be performed." for the same template and parameter values (those not
    passed take their defaults, as the stack's did)."""
    if not body or old.template != body or old.status in _NOT_UPDATABLE:
        return  # (a stack that cannot take an update says so: moto's status check, next)
    declared = (old.template_dict or {}).get("Parameters") or {}
    new = {key: spec["Default"] for key, spec in declared.items()
           if isinstance(spec, dict) and "Default" in spec}
    new.update(self._get_param_values(incoming or [], old.stack_parameters))
    if {k: str(v) for k, v in old.stack_parameters.items()} == {k: str(v) for k, v in new.items()}:
        raise ValidationError(old.name, message="No updates are to be performed.")


def _guarded(step: Callable[..., Any], verb: str) -> Callable[..., Any]:
    """`step(logical_id, ...)` whose failure names the resource (an inner one, reached by a
    reference, has already named itself)."""
    def run(logical_id: str, *args: Any, **kwargs: Any) -> Any:
        try:
            return step(logical_id, *args, **kwargs)
        except ResourceFailed:
            raise
        except Exception as exc:  # noqa: BLE001 - any escape would be an HTML 500
            log.exception("resource %s failed", logical_id)
            raise ResourceFailed(logical_id, verb, reason_of(exc)) from exc
    return run


_moto_parse_template = Stack.parse_template


def _parse_template(template: str) -> dict[str, Any]:
    """The template's data, any text repaired; one it cannot be is a ValidationError (400),
    never an error page."""
    try:
        body = stacktext.repaired(_moto_parse_template(template))
    except ServiceException:
        raise
    except Exception as exc:  # noqa: BLE001 - a template moto cannot read (too deep, ...)
        raise ValidationError(message=f"Template format error: {reason_of(exc)}") from exc
    stacktext.refuse_unsafe_template(body)
    return body


def _parse_change_set_template(self: ChangeSet) -> None:
    self.template_dict = _parse_template(self.template)  # (moto's reads it the same way)


def _checking_values(method: Callable[..., Any]) -> Callable[..., Any]:
    """A backend call whose `parameters` (dict, or list of ParameterKey/ParameterValue) and
    `tags` are refused when no stack can hold them."""
    def call(self: CloudFormationBackend, *args: Any, **kwargs: Any) -> Any:
        given = kwargs.get("parameters") or {}
        pairs = [(p.get("ParameterKey"), p.get("ParameterValue")) for p in given] \
            if isinstance(given, list) else list(given.items())
        stacktext.refuse_unsafe_values("parameter", pairs)
        stacktext.refuse_unsafe_values("tag", list((kwargs.get("tags") or {}).items()))
        return method(self, *args, **kwargs)
    return call


def _fresh_parameters(moto_update: Callable[..., None]) -> Callable[..., None]:
    """Stack.update taking the parameters given as the stack's parameters: moto kept the old
    ones when none were given, so an update whose template drops its last parameter failed
    (KeyError), and a dropped parameter stayed listed. (The old values stay until moto has
    compared them with the new ones: a resource using a changed parameter is updated.)"""
    def run(self: Stack, template: str, role_arn: str | None = None,
            parameters: dict[str, Any] | None = None, tags: dict[str, str] | None = None) -> None:
        if parameters is not None:
            self.parameters = parameters
            if not parameters:
                self.resource_map.input_parameters = {}
            self.resource_map.resolved_parameters = {}
        moto_update(self, template, role_arn, parameters, tags)
    return run


_moto_outputs = Stack.outputs.fget


def _outputs(self: Stack) -> list[dict[str, Any]] | None:
    """The outputs, as the operation that made them evaluated them; never a 500 on a read."""
    try:
        return _moto_outputs(self)
    except Exception:  # noqa: BLE001 - logged; the stack reads without outputs
        log.exception("stack %s: outputs could not be read", self.name)
        return None


_moto_parse_ssm_parameter = parsing.ResourceMap.parse_ssm_parameter
_moto_resource = parsing.ResourceMap.__getitem__


def _resource(self: parsing.ResourceMap, key: str) -> Any:
    """The resource `key`, made (when a reference reaches it first) after its DependsOn."""
    spec = self._resource_json_map.get(key) if key not in self._parsed_resources else None
    depends = spec.get("DependsOn") if isinstance(spec, dict) else None
    waiting = self.__dict__.setdefault("_ws_waiting", set())
    if depends and key not in waiting:
        waiting.add(key)  # (a DependsOn cycle, which CloudFormation refuses, ends here)
        try:
            for name in [depends] if isinstance(depends, str) else depends:
                if name in self._resource_json_map:
                    self[name]
        finally:
            waiting.discard(key)
    return _moto_resource(self, key)


def _parse_ssm_parameter(self: parsing.ResourceMap, value: str, value_type: str) -> Any:
    """The SSM parameter's value; a missing one is refused as CloudFormation refuses it."""
    if parsing.ssm_backends[self._account_id][self._region_name].get_parameter(value) is None:
        raise ValidationError(message=f"Unable to fetch parameters [{value}] from parameter "
                              "store for this account.")
    return _moto_parse_ssm_parameter(self, value, value_type)


def _stream_name_checked(moto_create: Callable[..., Any]) -> Callable[..., Any]:
    def create_stream(self: KinesisBackend, stream_name: str, *args: Any, **kwargs: Any) -> Any:
        if stream_name in self.streams:
            raise ResourceInUseError(f"Stream {stream_name} under account {self.account_id} "
                                     "already exists.")
        return moto_create(self, stream_name, *args, **kwargs)
    return create_stream


def register() -> None:
    parsing.parse_and_create_resource = _guarded(parsing.parse_and_create_resource, "CREATE")
    parsing.parse_and_update_resource = _guarded(parsing.parse_and_update_resource, "UPDATE")
    backend = CloudFormationBackend
    patches: dict[tuple[type, str], Any] = {
        (Stack, "parameter_list"): property(_parameter_list),
        (parsing.ResourceMap, "parse_ssm_parameter"): _parse_ssm_parameter,
        (parsing.ResourceMap, "__getitem__"): _resource,
        (Stack, "parse_template"): staticmethod(_parse_template),
        (Stack, "outputs"): property(_outputs),
        (Stack, "update"): updaterollback.update(_fresh_parameters(Stack.update)),
        (Stack, "create_from_cloudformation_json"): classmethod(
            rollback.nested_stack(Stack.create_from_cloudformation_json)),
        (ChangeSet, "_parse_template"): _parse_change_set_template,
        (CloudFormationResponse, "update_termination_protection"): _update_termination_protection,
        (CloudFormationResponse, "_validate_different_update"): _validate_different_update,
        (backend, "delete_stack"): _delete_stack,
        (backend, "create_stack"): _checking_values(rollback.create_stack(backend.create_stack)),
        (backend, "update_stack"): _checking_values(backend.update_stack),
        (backend, "create_change_set"): _checking_values(backend.create_change_set),
        (backend, "execute_change_set"): updaterollback.execute_change_set(
            backend.execute_change_set),
        (KinesisBackend, "create_stream"): _stream_name_checked(KinesisBackend.create_stream),
    }
    for (owner, name), value in patches.items():
        setattr(owner, name, value)
