"""SQS QueuePolicy, SNS Subscription and TopicPolicy in moto's SQS and SNS backends."""
from __future__ import annotations

import json
from typing import Any

from moto.core.common_models import CloudFormationModel
from moto.sns.models import sns_backends
from moto.sqs.models import sqs_backends

from .base import Provider
from .naming import random_id

_SUBSCRIPTION_ATTRIBUTES = ("DeliveryPolicy", "FilterPolicy", "FilterPolicyScope",
                            "RawMessageDelivery", "RedrivePolicy", "SubscriptionRoleArn")


def _text(document: Any) -> str:
    return document if isinstance(document, str) else json.dumps(document)


class QueuePolicy(Provider, CloudFormationModel):
    TYPE = "AWS::SQS::QueuePolicy"
    ATTRS = ("Id",)

    @classmethod
    def create(cls, props: dict[str, Any], logical_id: str, account_id: str,
               region: str) -> "QueuePolicy":
        made = cls(random_id(), {}, props, account_id, region, logical_id)
        made.attrs["Id"] = made.physical_id
        made.apply(_text(props["PolicyDocument"]))
        return made

    def update(self, props: dict[str, Any]) -> "QueuePolicy":
        self.apply("")
        self.props = props
        self.apply(_text(props["PolicyDocument"]))
        return self

    def apply(self, policy: str) -> None:
        backend = sqs_backends[self.account_id][self.region]
        for url in self.props["Queues"]:
            name = url.rstrip("/").rsplit("/", 1)[-1]
            if name in backend.queues:
                backend.set_queue_attributes(name, {"Policy": policy})

    def remove(self) -> None:
        self.apply("")


class TopicPolicy(Provider, CloudFormationModel):
    TYPE = "AWS::SNS::TopicPolicy"
    ATTRS = ("Id",)

    @classmethod
    def create(cls, props: dict[str, Any], logical_id: str, account_id: str,
               region: str) -> "TopicPolicy":
        made = cls(random_id(), {}, props, account_id, region, logical_id)
        made.attrs["Id"] = made.physical_id
        backend = sns_backends[account_id][region]
        for topic in props["Topics"]:
            backend.set_topic_attribute(topic, "Policy", _text(props["PolicyDocument"]))
        return made

    def remove(self) -> None:
        """moto puts no policy back: the topic keeps the last one until it is deleted."""


class Subscription(Provider, CloudFormationModel):
    TYPE = "AWS::SNS::Subscription"
    ATTRS = ("Arn",)

    @classmethod
    def create(cls, props: dict[str, Any], logical_id: str, account_id: str,
               region: str) -> "Subscription":
        backend = sns_backends[account_id][region]
        subscription = backend.subscribe(props["TopicArn"], props.get("Endpoint", ""),
                                         props["Protocol"])
        for key in _SUBSCRIPTION_ATTRIBUTES:
            if key in props:
                value = props[key]
                text = _text(value) if isinstance(value, (dict, list)) else str(value).lower() \
                    if isinstance(value, bool) else str(value)
                backend.set_subscription_attributes(subscription.arn, key, text)
        return cls(subscription.arn, {"Arn": subscription.arn}, props, account_id, region,
                   logical_id)

    def remove(self) -> None:
        sns_backends[self.account_id][self.region].unsubscribe(self.physical_id)
