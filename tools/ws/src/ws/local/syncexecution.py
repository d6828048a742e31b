"""Step Functions StartSyncExecution on the endpoint (moto lacks it): an Express state machine's
execution run to its end by moto's ASL interpreter (moto.stepfunctions.parser), within the
machine's own TimeoutSeconds and at most five minutes (Express's limit), answered as AWS does."""
from __future__ import annotations

import datetime
import json
import math
import threading
import uuid
from typing import Any

from moto.core.exceptions import AWSError
from moto.core.responses import ActionResult
from moto.stepfunctions.exceptions import InvalidExecutionInput
from moto.stepfunctions.models import StateMachine
from moto.stepfunctions.parser.api import StateMachineType
from moto.stepfunctions.parser.backend.execution import SyncExecution
from moto.stepfunctions.parser.utils import TMP_THREADS
from moto.stepfunctions.responses import StepFunctionResponse

from ws.local.backgroundexecution import interpreter_args

CAP_SECONDS = 300.0  # an Express execution runs at most five minutes on AWS
MEMORY_MB = 64  # what AWS bills an Express execution's memory in


class StateMachineTypeNotSupported(AWSError):
    TYPE = "StateMachineTypeNotSupported"


def register() -> None:
    """Give moto's Step Functions responses the action."""
    StepFunctionResponse.start_sync_execution = _start_sync_execution  # type: ignore[attr-defined]


def _start_sync_execution(self: StepFunctionResponse) -> ActionResult:
    machine = self.stepfunction_backend.describe_state_machine(self._get_param("stateMachineArn"))
    return ActionResult(run(machine, self._get_param("input"), self._get_param("name"),
                            self.current_account, self.region))


def run(machine: StateMachine, text: str | None, name: str | None, account: str, region: str,
        cap: float = CAP_SECONDS) -> dict[str, Any]:
    """StartSyncExecution's answer for `machine` run on the input `text`."""
    if machine.type != "EXPRESS":
        raise StateMachineTypeNotSupported(
            "This operation is not supported by this type of state machine")
    text = "{}" if text is None else text
    try:
        json.loads(text)
    except ValueError as exc:
        raise InvalidExecutionInput(f"Invalid State Machine Execution Input: '{exc}'") from None
    execution = _execution(machine, text, name or str(uuid.uuid4()), account, region)
    failure: list[Exception] = []
    worker = threading.Thread(target=_start, args=(execution, failure), daemon=True,
                              name="ws-sync-execution")
    worker.start()
    worker.join(cap)
    TMP_THREADS[:] = [t for t in TMP_THREADS if t.is_alive()]  # moto keeps every one, unread
    if worker.is_alive():  # past the cap: ended as AWS ends it
        if execution.exec_worker and execution.exec_worker.env:
            execution.exec_worker.env.set_timed_out()
        return _ended(execution, "TIMED_OUT")
    if failure:  # the interpreter failed (a definition it cannot parse...)
        cause = f"{type(failure[0]).__name__}: {failure[0]}"
        return {**_ended(execution, "FAILED"), "error": "States.Runtime", "cause": cause}
    return _answer(execution)


def _start(execution: SyncExecution, failure: list[Exception]) -> None:
    try:
        execution.start()
    except Exception as exc:  # noqa: BLE001 - answered as the execution's failure
        failure.append(exc)


def _execution(machine: StateMachine, text: str, name: str, account: str,
               region: str) -> SyncExecution:
    """The Express execution of `machine`, named as AWS names one (express:M:N:uuid)."""
    return SyncExecution(**interpreter_args(
        machine, StateMachineType.EXPRESS, f"express:{machine.name}:{name}:{uuid.uuid4()}",
        name, account, region, text))


def _answer(execution: SyncExecution) -> dict[str, Any]:
    out = {k: v for k, v in execution.to_start_sync_execution_output().items() if v is not None}
    out["status"] = str(getattr(out["status"], "value", out["status"]))
    return {**out, "billingDetails": _billing(execution)}


def _ended(execution: SyncExecution, status: str) -> dict[str, Any]:
    """The answer for an execution the interpreter did not end itself."""
    execution.stop_date = datetime.datetime.now(tz=datetime.timezone.utc)
    return {"executionArn": execution.exec_arn, "stateMachineArn": execution.state_machine.arn,
            "name": execution.name, "startDate": execution.start_date,
            "stopDate": execution.stop_date, "status": status,
            "input": json.dumps(execution.input_data, separators=(",", ":")),
            "inputDetails": {"included": True}, "billingDetails": _billing(execution)}


def _billing(execution: SyncExecution) -> dict[str, int]:
    stop = execution.stop_date or datetime.datetime.now(tz=datetime.timezone.utc)
    millis = (stop - execution.start_date).total_seconds() * 1000
    return {"billedMemoryUsedInMB": MEMORY_MB,
            "billedDurationInMilliseconds": max(100, math.ceil(millis / 100) * 100)}
