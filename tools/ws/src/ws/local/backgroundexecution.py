"""Step Functions StartExecution on the endpoint: the execution moto only recorded is run in the
background by moto's ASL interpreter (moto.stepfunctions.parser), so DescribeExecution,
ListExecutions and GetExecutionHistory show it RUNNING, then how it ended, and StopExecution
aborts it. Every caller of moto's StartExecution (the API, event rules, gateway integrations)
gets a running execution."""
from __future__ import annotations

import datetime
import logging
import threading
import time
from types import SimpleNamespace
from typing import Any

from moto.stepfunctions.models import StateMachine
from moto.stepfunctions.parser.api import ExecutionStatus, StateMachineType
from moto.stepfunctions.parser.asl.utils.encoding import to_json_str
from moto.stepfunctions.parser.backend.execution import Execution
from moto.stepfunctions.parser.backend.execution_worker import SyncExecutionWorker
from moto.stepfunctions.parser.utils import TMP_THREADS

LOG = logging.getLogger("ws.local.stepfunctions")
CAUSE_CHARS = 300  # of a failure's cause, in the server log


def register() -> None:
    """Make moto's StateMachine.start_execution run what it records."""
    StateMachine.start_execution = _start_execution  # type: ignore[method-assign]
    LOG.setLevel(logging.INFO)  # a line per execution started and ended


def _start_execution(self: StateMachine, region_name: str, account_id: str,
                     execution_name: str, execution_input: str) -> Any:
    """moto's checks (input, name reuse), then an execution that runs."""
    self._validate_execution_input(execution_input)
    existing = self._handle_name_input_idempotency(execution_name, execution_input)
    if existing is not None:
        return existing
    execution = BackgroundExecution.of(self, region_name, account_id, execution_name,
                                       execution_input)
    self.executions.append(execution)
    execution.run_in_background()
    return execution


def interpreter_args(machine: StateMachine, kind: StateMachineType, resource: str, name: str,
                     account: str, region: str, text: str) -> dict[str, Any]:
    """The arguments of the interpreter's execution (Execution, SyncExecution) of a snapshot
    of `machine` (the interpreter reads its type from it) named `name`, its ARN ending in
    `resource` (`execution:M:N`, or `express:M:N:uuid`)."""
    snapshot = SimpleNamespace(arn=machine.arn, name=machine.name, sm_type=kind,
                               definition=machine.definition, revision_id=None)
    partition = machine.arn.split(":")[1]
    return dict(name=name, sm_type=kind, role_arn=machine.roleArn,
                exec_arn=f"arn:{partition}:states:{region}:{account}:{resource}",
                account_id=account, region_name=region, state_machine=snapshot,
                start_date=datetime.datetime.now(tz=datetime.timezone.utc),
                cloud_watch_logging_session=None, activity_store={}, input_data=text)


class BackgroundExecution(Execution):
    """The interpreter's execution, with the fields moto's responses read."""

    _output_text: str | None = None

    @classmethod
    def of(cls, machine: StateMachine, region: str, account: str, name: str,
           text: str) -> BackgroundExecution:
        kind = StateMachineType(str(machine.type or "STANDARD").upper())
        execution = cls(**interpreter_args(machine, kind, f"execution:{machine.name}:{name}",
                                           name, account, region, text))
        execution.exec_status = ExecutionStatus.RUNNING  # before its thread sets it
        return execution

    @property  # type: ignore[override]
    def output(self) -> str | None:
        return self._output_text

    @output.setter
    def output(self, value: Any) -> None:
        """The interpreter's output value kept as AWS prints it (compact JSON)."""
        self._output_text = None if value is None else to_json_str(value, separators=(",", ":"))

    def _get_start_execution_worker(self) -> SyncExecutionWorker:
        """A worker that runs in the calling thread: run_in_background's own."""
        worker = super()._get_start_execution_worker()
        return SyncExecutionWorker(
            evaluation_details=worker._evaluation_details,
            exec_comm=worker._execution_communication,
            cloud_watch_logging_session=None, activity_store=self._activity_store)

    def run_in_background(self) -> None:
        LOG.info("execution %s of state machine %s: started", self.name, self.state_machine.name)
        threading.Thread(target=self._run, daemon=True, name=f"ws-execution-{self.name}").start()

    def _run(self) -> None:
        try:
            self.start()
        except Exception as exc:  # noqa: BLE001 - a definition the interpreter cannot run
            self.exec_status = ExecutionStatus.FAILED
            self.error, self.cause = "States.Runtime", f"{type(exc).__name__}: {exc}"
            self.stop_date = datetime.datetime.now(tz=datetime.timezone.utc)
        finally:
            TMP_THREADS[:] = [t for t in TMP_THREADS if t.is_alive()]  # moto keeps every one
            LOG.info("execution %s of state machine %s: %s", self.name, self.state_machine.name,
                     self.ending())

    def ending(self) -> str:
        """How it ended, for the server log."""
        seconds = ((self.stop_date or datetime.datetime.now(tz=datetime.timezone.utc))
                   - self.start_date).total_seconds()
        failure = f" {self.error}: {str(self.cause or '')[:CAUSE_CHARS]}" if self.error else ""
        return f"{self.status} after {seconds:.1f} s{failure}"

    def stop(self, stop_date: datetime.datetime, error: str | None, cause: str | None) -> None:
        """StopExecution: ABORTED at once; the interpreter ends at its next step."""
        if self.status != ExecutionStatus.RUNNING:
            return
        deadline = time.monotonic() + 2  # the worker may be parsing the definition still
        while not (self.exec_worker and self.exec_worker.env) and time.monotonic() < deadline:
            time.sleep(0.01)
        if self.exec_worker and self.exec_worker.env:
            self.exec_worker.env.set_stop(stop_date=stop_date, cause=cause, error=error)
        self.exec_status, self.stop_date = ExecutionStatus.ABORTED, stop_date

    def get_execution_history(self, roleArn: str) -> list[dict[str, Any]]:  # noqa: N803
        """The interpreter's events so far."""
        env = self.exec_worker.env if self.exec_worker else None
        return env.event_manager.get_event_history() if env else []
