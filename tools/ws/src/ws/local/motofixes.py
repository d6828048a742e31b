"""Where moto's CloudFormation differs from AWS in ways ws relies on, made to behave like AWS.

- NoEcho parameters: moto 5 compares each parameter's *value* with the NoEcho parameter
  *names*, so DescribeStacks returns secrets in clear text. Here the names are compared.
- Termination protection: moto stores EnableTerminationProtection but has no
  UpdateTerminationProtection and deletes a protected stack anyway. Here both work as on AWS.
- Resource failures: moto lets a resource's exception escape as an HTML page (HTTP 500) that
  names nothing. Here the failing resource is logged with its exception and the call answers
  an AWS-shaped error that says which resource failed and why, as CloudFormation's
  CREATE_FAILED event would: "ProductsTable CREATE_FAILED: ...".
- No-op updates: moto refuses an update that changes nothing only when parameters are passed,
  so a stack without any was updated on every deploy. Here it is refused as on AWS.
"""
from __future__ import annotations

import logging
from typing import Any, Callable

from moto.cloudformation import parsing
from moto.cloudformation.exceptions import ValidationError
from moto.cloudformation.models import CloudFormationBackend, Stack
from moto.cloudformation.responses import CloudFormationResponse
from moto.core.responses import ActionResult

MASK = "****"


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


class ResourceFailed(ValidationError):
    """A resource of the template could not be created or updated (an AWS-shaped 400)."""


def _validate_different_update(self: CloudFormationResponse, incoming: list[dict[str, Any]] | None,
                               body: str, old: Stack) -> None:
    """"No updates are to be performed." for the same template and parameter values (those not
    passed take their defaults, as the stack's did)."""
    if not body or old.template != body:
        return
    declared = (old.template_dict or {}).get("Parameters") or {}
    new = {key: spec["Default"] for key, spec in declared.items()
           if isinstance(spec, dict) and "Default" in spec}
    new.update(self._get_param_values(incoming or [], old.stack_parameters))
    if {k: str(v) for k, v in old.stack_parameters.items()} == {k: str(v) for k, v in new.items()}:
        raise ValidationError(old.name, message="No updates are to be performed.")


def _reason(exc: Exception) -> str:
    text = getattr(exc, "message", None) or str(exc) or type(exc).__name__
    return " ".join(str(text).split())[:500]


def _guarded(step: Callable[..., Any], verb: str) -> Callable[..., Any]:
    """`step(logical_id, ...)` whose failure names the resource (an inner one, reached by a
    reference, has already named itself)."""
    def run(logical_id: str, *args: Any, **kwargs: Any) -> Any:
        try:
            return step(logical_id, *args, **kwargs)
        except ResourceFailed:
            raise
        except Exception as exc:  # noqa: BLE001 - any escape would be an HTML 500
            logging.getLogger("ws.local").exception("resource %s failed", logical_id)
            raise ResourceFailed(message=f"{logical_id} {verb}_FAILED: {_reason(exc)}") from exc
    return run


def register() -> None:
    parsing.parse_and_create_resource = _guarded(parsing.parse_and_create_resource, "CREATE")
    parsing.parse_and_update_resource = _guarded(parsing.parse_and_update_resource, "UPDATE")
    Stack.parameter_list = property(_parameter_list)  # type: ignore[method-assign,assignment]
    CloudFormationResponse.update_termination_protection = _update_termination_protection  # type: ignore[attr-defined]
    CloudFormationBackend.delete_stack = _delete_stack  # type: ignore[method-assign]
    CloudFormationResponse._validate_different_update = _validate_different_update  # type: ignore[method-assign]
