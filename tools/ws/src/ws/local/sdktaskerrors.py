"""An `aws-sdk:*` task whose service answers an error without a request id (a service the
endpoint does not have) fails as any service error does (`<service>.<...>Exception`, the
message in its cause), so a Catch takes it: moto's interpreter read the missing id and its
KeyError('RequestId') ended the whole execution."""
from __future__ import annotations

from typing import Any

from botocore.exceptions import ClientError
from moto.stepfunctions.parser.asl.component.state.exec.state_task.service import (
    state_task_service_aws_sdk as sdk_task,
)

Task = sdk_task.StateTaskServiceAwsSdk


def register() -> None:
    if not getattr(Task, "_ws_error_ids", False):  # registered once per process
        Task._from_error = _with_ids(Task._from_error)  # type: ignore[method-assign]
        Task._ws_error_ids = True  # type: ignore[attr-defined]


def _with_ids(original: Any) -> Any:
    def from_error(self: Any, env: Any, ex: Exception) -> Any:
        if isinstance(ex, ClientError):
            metadata = ex.response.setdefault("ResponseMetadata", {})
            metadata.setdefault("RequestId", "")
            metadata.setdefault("HTTPStatusCode", 0)
            ex.response.setdefault("Error", {}).setdefault("Message", str(ex))
        return original(self, env, ex)
    return from_error
