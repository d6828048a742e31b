"""Send a pipe's batch to its target with the TargetParameters: a Lambda function or a state
machine gets the batch as one JSON array (InvocationType REQUEST_RESPONSE waits for the answer,
FIRE_AND_FORGET does not); a bus, queue or topic gets one event per record."""
from __future__ import annotations

import json
import uuid
from typing import Any, Callable

from moto.awslambda.models import lambda_backends
from moto.events.models import events_backends
from moto.stepfunctions.responses import get_backend as stepfunctions_backend

from ws.local import syncexecution
from ws.local.events import targets
from ws.local.pipes.shape import rendered, text

AsyncInvoke = Callable[[Any, str, str], None]


class DeliveryFailed(Exception):
    """The target refused or failed the batch (the source keeps it)."""


def invoke(runtime: Any, arn: str, batch: list[Any]) -> Any:
    """Invoke the function `arn` with `batch` and wait; its answer (DeliveryFailed on error)."""
    parts = arn.split(":")
    fn = lambda_backends[parts[4]][parts[3]].get_function(arn)
    outcome = runtime.invoke(fn, json.dumps(batch))
    if outcome.error:
        raise DeliveryFailed(f"{fn.function_name} failed (request {outcome.request_id}); "
                             f"its log: /aws/lambda/{fn.function_name}")
    return outcome


def send(pipe: Any, records: list[Any], runtime: Any, invoke_async: AsyncInvoke) -> None:
    """Deliver `records` to the pipe's target; DeliveryFailed or ValueError when it fails."""
    params = pipe.target_parameters or {}
    batch = [rendered(params.get("InputTemplate"), r, pipe) for r in records]
    service = pipe.target.split(":")[2]
    source = f"pipe {pipe.name}"
    if service == "lambda":
        kind = (params.get("LambdaFunctionParameters") or {}).get("InvocationType")
        if kind == "FIRE_AND_FORGET":
            parts = pipe.target.split(":")
            fn = lambda_backends[parts[4]][parts[3]].get_function(pipe.target)
            invoke_async(fn, json.dumps(batch), source)
        else:
            invoke(runtime, pipe.target, batch)
    elif service == "states":
        _to_states(pipe, params, batch)
    elif service == "events" and ":event-bus/" in pipe.target:
        for value in batch:
            _to_bus(pipe, params, value)
    else:
        options = {"SqsParameters": params.get("SqsQueueParameters") or {}}
        for value in batch:
            targets.deliver(targets.Delivery(pipe.target, text(value), source, options),
                            invoke_async)


def _to_states(pipe: Any, params: dict[str, Any], batch: list[Any]) -> None:
    kind = (params.get("StepFunctionStateMachineParameters") or {}).get("InvocationType")
    parts = pipe.target.split(":")
    backend = stepfunctions_backend(parts[4], parts[3])
    if kind != "REQUEST_RESPONSE":
        backend.start_execution(pipe.target, str(uuid.uuid4()), json.dumps(batch))
        return
    answer = syncexecution.run(backend.describe_state_machine(pipe.target), json.dumps(batch),
                               None, parts[4], parts[3])
    if answer["status"] != "SUCCEEDED":
        raise DeliveryFailed(f"execution {answer['executionArn']} ended {answer['status']}")


def _to_bus(pipe: Any, params: dict[str, Any], value: Any) -> None:
    parts = pipe.target.split(":")
    bus = params.get("EventBridgeEventBusParameters") or {}
    entry = {"Source": bus.get("Source") or f"Pipe {pipe.name}",
             "DetailType": bus.get("DetailType") or f"Event from aws:{pipe.source.split(':')[2]}",
             "Detail": text(value), "Resources": bus.get("Resources") or [pipe.arn],
             "EventBusName": parts[5].split("/", 1)[-1]}
    answer = events_backends[parts[4]][parts[3]].put_events([entry])
    failed = [e for e in (answer or []) if isinstance(e, dict) and e.get("ErrorCode")]
    if failed:
        raise DeliveryFailed(f"PutEvents refused the event: {failed[0].get('ErrorMessage')}")
