"""A state machine's `states:startExecution` task (plain, `.sync`, `.sync:2`, callback) on the
endpoint: moto's interpreter sent the task's `StateMachineArn`/`Input` to the Step Functions API
as written, whose names are camelCase (KeyError 'StateMachineArn'), and read `ExecutionArn`
from its camelCase answer; the names are translated both ways, as AWS does."""
from __future__ import annotations

from typing import Any

from moto.stepfunctions.parser.asl.component.state.exec.state_task.service import (
    state_task_service_sfn as sfn_task,
)

Task = sfn_task.StateTaskServiceSfn
_ORIGINAL_PARAMETERS = Task._normalise_parameters
_ORIGINAL_RESPONSE = Task._normalise_response


def register() -> None:
    Task._normalise_parameters = _parameters  # type: ignore[method-assign]
    Task._normalise_response = _response  # type: ignore[method-assign]


def _parameters(self: Any, parameters: dict, boto_service_name: str | None = None,
                service_action_name: str | None = None) -> None:
    """The task's parameters under the API's names (stateMachineArn, input, name)."""
    _ORIGINAL_PARAMETERS(self, parameters, boto_service_name, service_action_name)
    renamed = {key[:1].lower() + key[1:]: value for key, value in parameters.items()}
    parameters.clear()
    parameters.update(renamed)


def _response(self: Any, response: Any, boto_service_name: str | None = None,
              service_action_name: str | None = None) -> None:
    """The API's answer under the task's names (ExecutionArn, Output, Status...)."""
    _ORIGINAL_RESPONSE(self, response, boto_service_name, service_action_name)
    if isinstance(response, dict):
        renamed = {key[:1].upper() + key[1:]: value for key, value in response.items()}
        response.clear()
        response.update(renamed)
