"""SNS Publish -> each subscription, on the router's threads.

moto delivers inside Publish (an HTTP subscriber or a slow function holds the publisher), sends
a Lambda subscriber a fixed sample record (TopicArn "arn:aws:sns:EXAMPLE", a "Test" attribute)
and reads RawMessageDelivery "false" as true. Here Publish only hands each subscription's
message to the router, which applies the FilterPolicy (FilterPolicyScope MessageAttributes or
MessageBody, matched as EventBridge patterns are) and delivers: SQS (the SNS envelope, or the
raw message with its attributes), Lambda (asynchronously, SNS's record) and HTTP/HTTPS. A FIFO
topic's messages reach each subscription in order per message group.
"""
from __future__ import annotations

import json
import logging
import urllib.request
from dataclasses import dataclass
from typing import Any

from moto.awslambda.models import lambda_backends
from moto.sns.models import Subscription
from moto.sqs.models import sqs_backends

from ws.local.events import patterns
from ws.local.events.router import Router
from ws.local.events.targets import AsyncInvoke

LOG = logging.getLogger("ws.local.events")
HTTP_TIMEOUT = 5


@dataclass(frozen=True)
class Sent:
    """One published message, as a subscription receives it."""

    message: str
    message_id: str
    subject: str | None
    attributes: dict[str, Any]
    group_id: str | None
    deduplication_id: str | None


def attribute_values(attributes: dict[str, Any]) -> dict[str, Any]:
    """Message attributes as a filter policy sees them: numbers, strings, arrays."""
    values: dict[str, Any] = {}
    for name, attr in attributes.items():
        kind, value = str(attr.get("Type", "String")), attr.get("Value")
        try:
            if kind.startswith("Number"):
                values[name] = float(value)
            elif kind == "String.Array":
                values[name] = json.loads(value)
            elif not kind.startswith("Binary"):
                values[name] = value
        except (TypeError, ValueError):
            values[name] = value
    return values


def accepts(attributes: dict[str, str], sent: Sent) -> bool:
    """Whether a subscription's FilterPolicy lets `sent` through."""
    policy = json.loads(attributes.get("FilterPolicy") or "{}")
    if not policy:
        return True
    if attributes.get("FilterPolicyScope") == "MessageBody":
        try:
            return patterns.matches(policy, json.loads(sent.message))
        except ValueError:
            return False
    return patterns.matches(policy, attribute_values(sent.attributes))


def lambda_record(sub: Any, sent: Sent) -> dict[str, Any]:
    """The event SNS sends a subscribed function."""
    envelope = _envelope(sub, sent)
    envelope["MessageAttributes"] = sent.attributes
    envelope["SigningCertUrl"] = envelope.pop("SigningCertURL", "")
    envelope["UnsubscribeUrl"] = envelope.pop("UnsubscribeURL", "")
    envelope.setdefault("Subject", None)
    return {"Records": [{"EventSource": "aws:sns", "EventVersion": "1.0",
                         "EventSubscriptionArn": sub.arn, "Sns": envelope}]}


def _envelope(sub: Any, sent: Sent) -> dict[str, Any]:
    return sub.get_post_data(sent.message, sent.message_id, sent.subject,
                             message_attributes=sent.attributes or None)


def _raw(sub: Any) -> bool:
    return str(sub.attributes.get("RawMessageDelivery", "")).lower() == "true"


def _to_sqs(sub: Any, sent: Sent, invoke_async: AsyncInvoke) -> None:
    _, _, _, region, account, name = sub.endpoint.split(":", 5)
    backend = sqs_backends[account][region]
    if _raw(sub):
        attributes = {key: {"DataType": a["Type"],
                            "BinaryValue" if a["Type"].startswith("Binary") else "StringValue":
                                str(a["Value"])} for key, a in sent.attributes.items()}
        backend.send_message(name, sent.message, message_attributes=attributes,
                             group_id=sent.group_id, deduplication_id=sent.deduplication_id,
                             validate_group_id=False)
        return
    backend.send_message(name, json.dumps(_envelope(sub, sent), indent=2),
                         group_id=sent.group_id, deduplication_id=sent.deduplication_id,
                         validate_group_id=False)


def _to_lambda(sub: Any, sent: Sent, invoke_async: AsyncInvoke) -> None:
    _, _, _, region, account, _ = sub.endpoint.split(":", 5)
    fn = lambda_backends[account][region].get_function(sub.endpoint)
    invoke_async(fn, json.dumps(lambda_record(sub, sent)), f"topic {sub.topic.name}")


def _to_http(sub: Any, sent: Sent, invoke_async: AsyncInvoke) -> None:
    body = sent.message if _raw(sub) else json.dumps(_envelope(sub, sent))
    request = urllib.request.Request(sub.endpoint, data=body.encode(), method="POST", headers={
        "Content-Type": "text/plain; charset=UTF-8", "x-amz-sns-message-type": "Notification",
        "x-amz-sns-message-id": sent.message_id, "x-amz-sns-topic-arn": sub.topic.arn,
        "x-amz-sns-subscription-arn": sub.arn})
    with urllib.request.urlopen(request, timeout=HTTP_TIMEOUT) as answer:  # noqa: S310
        answer.read()


_PROTOCOLS = {"sqs": _to_sqs, "lambda": _to_lambda, "http": _to_http, "https": _to_http}


def deliver(sub: Any, sent: Sent, invoke_async: AsyncInvoke) -> None:
    """Filter, then deliver `sent` to one subscription."""
    what = f"topic {sub.topic.name} -> {sub.protocol} {sub.endpoint}"
    if not accepts(sub.attributes, sent):
        LOG.info("%s: filtered out by its FilterPolicy", what)
        return
    send = _PROTOCOLS.get(sub.protocol)
    if send is None:
        LOG.warning("%s: %s subscriptions are not delivered locally", what, sub.protocol)
        return
    send(sub, sent, invoke_async)
    if sub.protocol != "lambda":  # an invoke reports its own outcome
        LOG.info("%s: delivered", what)


def install(router: Router, invoke_async: AsyncInvoke) -> None:
    """Make every moto subscription hand its messages to `router`."""

    def publish(self: Subscription, message: str, message_id: str, subject: str | None = None,
                message_attributes: dict[str, Any] | None = None, group_id: str | None = None,
                deduplication_id: str | None = None, message_structure: str | None = None
                ) -> None:
        if message_structure == "json":
            message = self._parse_message_structure(message, self.protocol)
        sent = Sent(message, message_id, subject, dict(message_attributes or {}), group_id,
                    deduplication_id)
        lane = f"{self.arn}/{group_id}" if self.topic.fifo_topic else None
        router.submit(f"topic {self.topic.name} -> {self.endpoint}",
                      lambda: deliver(self, sent, invoke_async), lane=lane)

    Subscription.publish = publish  # type: ignore[method-assign]
