"""EventBridge Connection and ApiDestination (events backend) and Pipes Pipe (pipes backend):
stored, so their APIs answer; ws delivers nothing through them."""
from __future__ import annotations

from typing import Any

from moto.core.common_models import CloudFormationModel
from moto.events.models import events_backends
from moto.pipes.models import pipes_backends

from .base import Provider
from .naming import short_name


def _events(account_id: str, region: str) -> Any:
    return events_backends[account_id][region]


class Connection(Provider, CloudFormationModel):
    TYPE = "AWS::Events::Connection"
    ATTRS = ("Arn", "ArnForPolicy", "SecretArn")

    @classmethod
    def build(cls, name: str, props: dict[str, Any], logical_id: str, account_id: str,
              region: str) -> "Connection":
        connection = _events(account_id, region).create_connection(
            props.get("Name") or short_name(name, logical_id, 64), props.get("Description", ""),
            props.get("AuthorizationType", "API_KEY"), props.get("AuthParameters") or {})
        attrs = {"Arn": connection.arn, "ArnForPolicy": connection.arn,
                 "SecretArn": connection.secret_arn}
        return cls(connection.name, attrs, props, account_id, region, logical_id)

    def remove(self) -> None:
        if self.physical_id in _events(self.account_id, self.region).connections:
            _events(self.account_id, self.region).delete_connection(self.physical_id)


class ApiDestination(Provider, CloudFormationModel):
    TYPE = "AWS::Events::ApiDestination"
    ATTRS = ("Arn", "ArnForPolicy")

    @classmethod
    def build(cls, name: str, props: dict[str, Any], logical_id: str, account_id: str,
              region: str) -> "ApiDestination":
        made_name = props.get("Name") or short_name(name, logical_id, 64)
        answer = _events(account_id, region).create_api_destination(
            made_name, props.get("Description", ""), props["ConnectionArn"],
            props["InvocationEndpoint"], props.get("InvocationRateLimitPerSecond"),
            props["HttpMethod"])
        arn = answer["ApiDestinationArn"]
        return cls(made_name, {"Arn": arn, "ArnForPolicy": arn}, props, account_id, region,
                   logical_id)

    def remove(self) -> None:
        if self.physical_id in _events(self.account_id, self.region).destinations:
            _events(self.account_id, self.region).delete_api_destination(self.physical_id)


class Pipe(Provider, CloudFormationModel):
    TYPE = "AWS::Pipes::Pipe"
    ATTRS = ("Arn", "CreationTime", "CurrentState", "LastModifiedTime", "StateReason")

    @classmethod
    def build(cls, name: str, props: dict[str, Any], logical_id: str, account_id: str,
              region: str) -> "Pipe":
        pipe = pipes_backends[account_id][region].create_pipe(
            name=props.get("Name") or short_name(name, logical_id, 64),
            description=props.get("Description"), desired_state=props.get("DesiredState"),
            source=props["Source"], source_parameters=props.get("SourceParameters"),
            enrichment=props.get("Enrichment"),
            enrichment_parameters=props.get("EnrichmentParameters"), target=props["Target"],
            target_parameters=props.get("TargetParameters"), role_arn=props["RoleArn"],
            tags=props.get("Tags"), log_configuration=props.get("LogConfiguration"),
            kms_key_identifier=props.get("KmsKeyIdentifier"))
        attrs = {"Arn": pipe.arn, "CreationTime": pipe.creation_time.isoformat(),
                 "LastModifiedTime": pipe.last_modified_time.isoformat(),
                 "CurrentState": pipe.desired_state, "StateReason": ""}
        return cls(pipe.name, attrs, props, account_id, region, logical_id)

    def remove(self) -> None:
        pipes_backends[self.account_id][self.region].pipes.pop(self.physical_id, None)
