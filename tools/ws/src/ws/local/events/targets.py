"""Deliver one payload to a resource named by its ARN: a Lambda function (asynchronously), an
SQS queue, an SNS topic, a Step Functions state machine, an event bus or a log group."""
from __future__ import annotations

import json
import logging
import time
import uuid
from dataclasses import dataclass, field
from typing import Any, Callable

from moto.awslambda.models import lambda_backends
from moto.events.models import events_backends
from moto.logs.models import logs_backends
from moto.sns.models import sns_backends
from moto.sqs.models import sqs_backends
from moto.stepfunctions.responses import get_backend as stepfunctions_backend

LOG = logging.getLogger("ws.local.events")
AsyncInvoke = Callable[[Any, str, str], None]  # (moto LambdaFunction, payload, source)


@dataclass(frozen=True)
class Delivery:
    """What is delivered where, and from what (for the log)."""

    arn: str
    payload: str
    source: str
    options: dict[str, Any] = field(default_factory=dict)  # SqsParameters, ...

    @property
    def parts(self) -> list[str]:
        return self.arn.split(":", 5)


def deliver(delivery: Delivery, invoke_async: AsyncInvoke) -> None:
    """Send `delivery`; raise when its target is missing (the router logs it)."""
    service = delivery.parts[2] if len(delivery.parts) > 5 else ""
    if service == "lambda":
        _to_lambda(delivery, invoke_async)  # the invoke logs its own outcome
        return
    send = _SENDERS.get(service)
    if service == "events" and ":api-destination/" in delivery.arn:
        send = None  # an HTTP call to a third party: not made from the local endpoint
    if send is None:
        raise ValueError(f"targets like {delivery.arn!r} are not delivered locally")
    send(delivery)
    LOG.info("%s -> %s: delivered", delivery.source, delivery.arn)


def _to_lambda(delivery: Delivery, invoke_async: AsyncInvoke) -> None:
    account, region = delivery.parts[4], delivery.parts[3]
    fn = lambda_backends[account][region].get_function(delivery.arn)
    invoke_async(fn, delivery.payload, delivery.source)


def _to_sqs(delivery: Delivery) -> None:
    _, _, _, region, account, name = delivery.parts
    params = delivery.options.get("SqsParameters") or {}
    group = params.get("MessageGroupId")
    sqs_backends[account][region].send_message(
        name, delivery.payload, group_id=group,
        deduplication_id=str(uuid.uuid4()) if name.endswith(".fifo") else None,
        validate_group_id=False)


def _to_sns(delivery: Delivery) -> None:
    _, _, _, region, account, _ = delivery.parts
    sns_backends[account][region].publish(delivery.payload, arn=delivery.arn)


def _to_states(delivery: Delivery) -> None:
    _, _, _, region, account, _ = delivery.parts
    stepfunctions_backend(account, region).start_execution(
        delivery.arn, str(uuid.uuid4()), delivery.payload)


def _to_events(delivery: Delivery) -> None:
    _, _, _, region, account, resource = delivery.parts
    event = json.loads(delivery.payload)
    events_backends[account][region].put_events([{
        "Source": event.get("source", ""), "DetailType": event.get("detail-type", ""),
        "Detail": json.dumps(event.get("detail", {})), "Resources": event.get("resources", []),
        "EventBusName": resource.split("/", 1)[-1]}])


def _to_logs(delivery: Delivery) -> None:
    _, _, _, region, account, resource = delivery.parts
    group = resource.split(":", 1)[1] if ":" in resource else resource
    backend = logs_backends[account][region]
    stream = str(uuid.uuid4())
    backend.create_log_stream(group.removesuffix(":*"), stream)
    backend.put_log_events(group.removesuffix(":*"), stream,
                           [{"timestamp": int(time.time() * 1000), "message": delivery.payload}])


_SENDERS: dict[str, Callable[[Delivery], None]] = {
    "sqs": _to_sqs, "sns": _to_sns, "states": _to_states,
    "events": _to_events, "logs": _to_logs}
