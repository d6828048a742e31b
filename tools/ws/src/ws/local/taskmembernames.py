"""Service tasks of moto's ASL interpreter on the endpoint (`aws-sdk:*` and
`states:startExecution[.sync[:2]]`): a task names parameters and reads answers in PascalCase,
as AWS lets it, while many APIs (Step Functions, API Gateway, ECS...) name them in camelCase.
moto sent them as written (KeyError 'StateMachineArn') and answered the API's names; both are
translated through the API's own shapes, parameters to the API's names and answers to PascalCase,
without touching the content of strings and documents (an execution's Output)."""
from __future__ import annotations

import functools
from typing import Any

import botocore.session
from botocore import xform_name
from botocore.exceptions import UnknownServiceError
from botocore.model import OperationModel, Shape
from moto.stepfunctions.parser.asl.component.state.exec.state_task.service import (
    state_task_service_aws_sdk as sdk_task,
    state_task_service_sfn as sfn_task,
)

TASKS = (sdk_task.StateTaskServiceAwsSdk, sfn_task.StateTaskServiceSfn)


def register() -> None:
    for task in TASKS:
        if not getattr(task, "_ws_member_names", False):  # registered once per process
            task._normalise_parameters = _with_parameters(task._normalise_parameters)
            task._normalise_response = _with_response(task._normalise_response)
            task._ws_member_names = True  # type: ignore[attr-defined]


def _with_parameters(original: Any) -> Any:
    def normalise(self: Any, parameters: dict, boto_service_name: str | None = None,
                  service_action_name: str | None = None) -> None:
        original(self, parameters, boto_service_name, service_action_name)
        operation = _operation(self, boto_service_name, service_action_name)
        if operation is not None and isinstance(parameters, dict):
            renamed = to_api(operation.input_shape, parameters)
            parameters.clear()
            parameters.update(renamed)
    return normalise


def _with_response(original: Any) -> Any:
    def normalise(self: Any, response: Any, boto_service_name: str | None = None,
                  service_action_name: str | None = None) -> None:
        original(self, response, boto_service_name, service_action_name)
        operation = _operation(self, boto_service_name, service_action_name)
        if operation is not None and isinstance(response, dict):
            renamed = to_task(operation.output_shape, response)
            response.clear()
            response.update(renamed)
    return normalise


def _operation(task: Any, service: str | None, action: str | None) -> OperationModel | None:
    return _operation_model(service or task._get_boto_service_name(),
                            action or task._get_boto_service_action())


@functools.lru_cache(maxsize=256)
def _operation_model(service: str, action: str) -> OperationModel | None:
    try:
        model = _session().get_service_model(service)
    except UnknownServiceError:
        return None
    names = {xform_name(name): name for name in model.operation_names}
    return model.operation_model(names[action]) if action in names else None


@functools.lru_cache(maxsize=1)
def _session() -> botocore.session.Session:
    return botocore.session.get_session()


def to_api(shape: Shape | None, value: Any) -> Any:
    """`value` with its keys named as `shape`'s members (matched ignoring case)."""
    if shape is None or getattr(shape, "is_document_type", False):
        return value
    if shape.type_name == "structure" and isinstance(value, dict):
        members = {name.lower(): name for name in shape.members}
        named = {members.get(key.lower(), key): item for key, item in value.items()}
        return {key: to_api(shape.members.get(key), item) for key, item in named.items()}
    if shape.type_name == "list" and isinstance(value, list):
        return [to_api(shape.member, item) for item in value]
    if shape.type_name == "map" and isinstance(value, dict):
        return {key: to_api(shape.value, item) for key, item in value.items()}
    return value


def to_task(shape: Shape | None, value: Any) -> Any:
    """`value` with the keys of `shape`'s structures in PascalCase."""
    if shape is None or getattr(shape, "is_document_type", False):
        return value
    if shape.type_name == "structure" and isinstance(value, dict):
        return {key[:1].upper() + key[1:]: to_task(shape.members.get(key), item)
                for key, item in value.items()}
    if shape.type_name == "list" and isinstance(value, list):
        return [to_task(shape.member, item) for item in value]
    if shape.type_name == "map" and isinstance(value, dict):
        return {key: to_task(shape.value, item) for key, item in value.items()}
    return value
