"""moto's own models, with the `GetAtt` attributes AWS documents that they lack.

moto creates these types well but refuses attributes templates use (`!GetAtt Machine.Arn`,
`!GetAtt Queue.QueueUrl`, `!GetAtt Topic.TopicArn`, `!GetAtt Key.KeyId`). Each class here
wraps moto's model: creation, update and deletion are moto's; the listed attributes are added.
"""
from __future__ import annotations

import json
from typing import Any, Callable

from moto.awslambda.models import EventSourceMapping as MotoEventSourceMapping
from moto.cloudformation.exceptions import UnformattedGetAttTemplateException
from moto.core.common_models import CloudFormationModel
from moto.efs.models import AccessPoint as MotoAccessPoint
from moto.events.exceptions import InvalidEventPatternException
from moto.events.models import Rule as MotoRule
from moto.efs.models import FileSystem as MotoFileSystem
from moto.iam.models import ManagedPolicy as MotoManagedPolicy
from moto.kms.models import Key as MotoKey
from moto.route53.models import FakeZone as MotoHostedZone
from moto.route53.models import route53_backends
from moto.sns.models import Topic as MotoTopic
from moto.sqs.models import Queue as MotoQueue
from moto.ssm.models import Parameter as MotoParameter
from moto.utilities.utils import get_partition

from .base import Provider
from .physicalnames import fifo_name, is_on
from .placeholder import Placeholder


class Patched(Provider):
    """moto's MODEL, plus EXTRA attributes computed from moto's object."""

    MODEL: Any = None
    EXTRA: dict[str, Callable[[Any], Any]] = {}

    @classmethod
    def adjusted(cls, props: dict[str, Any], account_id: str, region: str) -> dict[str, Any]:
        """The properties as moto's MODEL takes them (on create and on update); a copy."""
        return dict(props)

    @classmethod
    def _as_moto(cls, cloudformation_json: dict, account_id: str, region: str) -> dict:
        props = cls.adjusted(cloudformation_json.get("Properties") or {}, account_id, region)
        return {**cloudformation_json, "Properties": props}

    @classmethod
    def create_from_cloudformation_json(cls, resource_name: str, cloudformation_json: dict,
                                        account_id: str, region_name: str,
                                        **kwargs: Any) -> "Patched":
        cloudformation_json = cls._as_moto(cloudformation_json, account_id, region_name)
        inner = cls.MODEL.create_from_cloudformation_json(resource_name, cloudformation_json,
                                                          account_id, region_name, **kwargs)
        return cls._wrap(inner, cloudformation_json, account_id, region_name,
                         kwargs.get("LogicalId", resource_name))

    @classmethod
    def _wrap(cls, inner: Any, cloudformation_json: dict, account_id: str, region: str,
              logical_id: str) -> "Patched":
        made = cls(inner.physical_resource_id, {}, cloudformation_json.get("Properties") or {},
                   account_id, region, logical_id)
        made.inner, made.json = inner, cloudformation_json
        return made

    @classmethod
    def update_from_cloudformation_json(cls, original_resource: "Patched",  # type: ignore[override]
                                        new_resource_name: str, cloudformation_json: dict,
                                        account_id: str, region_name: str) -> "Patched":
        cloudformation_json = cls._as_moto(cloudformation_json, account_id, region_name)
        inner = cls.MODEL.update_from_cloudformation_json(
            original_resource=original_resource.inner, new_resource_name=new_resource_name,
            cloudformation_json=cloudformation_json, account_id=account_id,
            region_name=region_name)
        return cls._wrap(inner, cloudformation_json, account_id, region_name,
                         original_resource.logical_id)

    @classmethod
    def cloudformation_name_type(cls) -> str:  # type: ignore[override]
        return cls.MODEL.cloudformation_name_type()

    @classmethod
    def has_cfn_attr(cls, attr: str) -> bool:
        return attr in cls.EXTRA or cls.MODEL.has_cfn_attr(attr)

    def get_cfn_attribute(self, name: str) -> Any:
        if name in self.EXTRA:
            return self.EXTRA[name](self.inner)
        return getattr(self.inner, "get_cfn_attribute", _no_attribute)(name)

    def delete(self, account_id: str, region_name: str) -> None:
        try:
            self.inner.delete(account_id, region_name)
        except (TypeError, AttributeError):  # moto's model has no delete(): as moto does
            self.MODEL.delete_from_cloudformation_json(self.physical_id, self.json, account_id,
                                                       region_name)

    def __getattr__(self, name: str) -> Any:
        """Anything else moto asks of the resource (tags, names...) is moto's object's."""
        if name == "inner":
            raise AttributeError(name)
        return getattr(self.inner, name)


class Fifo(Patched):
    """A queue or topic whose generated name ends with `.fifo` when it is FIFO, as on AWS (moto
    refused the generated name: "Queue name must end in .fifo for FIFO queues")."""

    FIFO = ""  # the property that makes it FIFO
    LIMIT = 0

    @classmethod
    def create_from_cloudformation_json(cls, resource_name: str, cloudformation_json: dict,
                                        account_id: str, region_name: str,
                                        **kwargs: Any) -> "Patched":
        props = cloudformation_json.get("Properties") or {}
        if is_on(props.get(cls.FIFO)) and cls.MODEL.cloudformation_name_type() not in props:
            resource_name = fifo_name(resource_name, cls.LIMIT)
        return super().create_from_cloudformation_json(resource_name, cloudformation_json,
                                                        account_id, region_name, **kwargs)


class Queue(Fifo, CloudFormationModel):
    TYPE = "AWS::SQS::Queue"
    MODEL = MotoQueue
    EXTRA = {"QueueUrl": lambda q: q.physical_resource_id}
    FIFO, LIMIT = "FifoQueue", 80


class Topic(Fifo, CloudFormationModel):
    TYPE = "AWS::SNS::Topic"
    MODEL = MotoTopic
    EXTRA = {"TopicArn": lambda t: t.arn}
    FIFO, LIMIT = "FifoTopic", 256


class Key(Patched, CloudFormationModel):
    TYPE = "AWS::KMS::Key"
    MODEL = MotoKey
    EXTRA = {"KeyId": lambda k: k.id}

    @classmethod
    def adjusted(cls, props: dict[str, Any], account_id: str, region: str) -> dict[str, Any]:
        """Tags as CloudFormation writes them (Key, Value); moto's KMS wants TagKey, TagValue
        and failed the resource ('TagKey')."""
        tags = [{"TagKey": t.get("Key"), "TagValue": t.get("Value")}
                if isinstance(t, dict) and "Key" in t else t for t in props.get("Tags") or []]
        return {**props, "Tags": tags}


class AccessPoint(Patched, CloudFormationModel):
    TYPE = "AWS::EFS::AccessPoint"
    MODEL = MotoAccessPoint
    EXTRA = {"Arn": lambda a: a.access_point_arn, "AccessPointId": lambda a: a.access_point_id}


class FileSystem(Patched, CloudFormationModel):
    TYPE = "AWS::EFS::FileSystem"
    MODEL = MotoFileSystem
    EXTRA = {"Arn": lambda f: f.file_system_arn, "FileSystemId": lambda f: f.file_system_id}


class Parameter(Patched, CloudFormationModel):
    TYPE = "AWS::SSM::Parameter"
    MODEL = MotoParameter
    EXTRA = {"Type": lambda p: p.parameter_type, "Value": lambda p: p.value}

    @classmethod
    def adjusted(cls, props: dict[str, Any], account_id: str, region: str) -> dict[str, Any]:
        """Tags as this type takes them, a map (moto wanted the API's list of Key, Value and
        failed: "string indices must be integers")."""
        tags = props.get("Tags")
        if isinstance(tags, dict):
            return {**props, "Tags": [{"Key": k, "Value": v} for k, v in tags.items()]}
        return dict(props)


class Rule(Patched, CloudFormationModel):
    """An EventPattern given as JSON text, which CloudFormation takes as well as an object
    (moto encoded the text again and failed: "'str' object has no attribute 'items'"); `Ref`
    of a rule on a custom bus is `bus-name|rule-name`, as CloudFormation gives it."""

    TYPE = "AWS::Events::Rule"
    MODEL = MotoRule

    @classmethod
    def _wrap(cls, inner: Any, cloudformation_json: dict, account_id: str, region: str,
              logical_id: str) -> "Patched":
        made = super()._wrap(inner, cloudformation_json, account_id, region, logical_id)
        bus = str(getattr(inner, "event_bus_name", "") or "default").rsplit("/", 1)[-1]
        if bus != "default":
            made.physical_id = f"{bus}|{made.physical_id}"
        return made

    @classmethod
    def adjusted(cls, props: dict[str, Any], account_id: str, region: str) -> dict[str, Any]:
        pattern = props.get("EventPattern")
        if not isinstance(pattern, str):
            return dict(props)
        try:
            return {**props, "EventPattern": json.loads(pattern)}
        except ValueError:
            raise InvalidEventPatternException(reason="Invalid JSON") from None


class ManagedPolicy(Patched, CloudFormationModel):
    TYPE = "AWS::IAM::ManagedPolicy"
    MODEL = MotoManagedPolicy
    EXTRA = {"PolicyArn": lambda p: p.arn, "PolicyId": lambda p: p.id}


class EventSourceMapping(Patched, CloudFormationModel):
    """A source the endpoint cannot read (a broker, Kafka: moto refuses "Invalid
    EventSourceArn") makes a placeholder, as ws.local.templatefixes.placeholder_types says."""

    TYPE = "AWS::Lambda::EventSourceMapping"
    MODEL = MotoEventSourceMapping
    EXTRA = {"Id": lambda m: m.uuid, "EventSourceMappingArn": lambda m: m.arn}

    @classmethod
    def create_from_cloudformation_json(cls, resource_name: str, cloudformation_json: dict,
                                        account_id: str, region_name: str,
                                        **kwargs: Any) -> Any:
        source = (cloudformation_json.get("Properties") or {}).get("EventSourceArn")
        if not isinstance(source, str) or source.split(":")[2:3] not in (["sqs"], ["kinesis"],
                                                                         ["dynamodb"]):
            return Placeholder.create_from_cloudformation_json(
                resource_name, cloudformation_json, account_id, region_name, **kwargs)
        return super().create_from_cloudformation_json(resource_name, cloudformation_json,
                                                        account_id, region_name, **kwargs)

    @classmethod
    def update_from_cloudformation_json(cls, original_resource: Any,  # type: ignore[override]
                                        new_resource_name: str, cloudformation_json: dict,
                                        account_id: str, region_name: str) -> Any:
        if isinstance(original_resource, Placeholder):
            original_resource.delete(account_id, region_name)
            return cls.create_from_cloudformation_json(
                new_resource_name, cloudformation_json, account_id, region_name,
                LogicalId=original_resource.logical_id, ResourceType=cls.TYPE)
        return super().update_from_cloudformation_json(original_resource, new_resource_name,
                                                       cloudformation_json, account_id,
                                                       region_name)


class HostedZone(Patched, CloudFormationModel):
    TYPE = "AWS::Route53::HostedZone"
    MODEL = MotoHostedZone
    EXTRA = {"Id": lambda z: z.resource_id,
             "NameServers": lambda z: z.delegation_set.name_servers if z.delegation_set
             else []}

    @classmethod
    def create_from_cloudformation_json(cls, resource_name: str, cloudformation_json: dict,
                                        account_id: str, region_name: str,
                                        **kwargs: Any) -> "Patched":
        """The zone named as Route 53 names it, with the final dot (moto kept the name as
        written, and a record set naming the zone `example.com.` did not find it)."""
        return super().create_from_cloudformation_json(
            resource_name.rstrip(".") + ".", cloudformation_json, account_id, region_name,
            **kwargs)

    def delete(self, account_id: str, region_name: str) -> None:
        """Deleted with its stack (moto's model has no delete: the zone outlived the stack, and
        a later stack's record set found it). Records left in it refuse the delete, as on AWS
        (the stack's own go first)."""
        backend = route53_backends[account_id][get_partition(region_name)]
        if self.inner.resource_id in backend.zones:
            backend.delete_hosted_zone(self.inner.resource_id)


def _no_attribute(name: str) -> Any:
    raise UnformattedGetAttTemplateException()
