"""CloudWatch Alarm, Logs LogStream and SubscriptionFilter, and Kinesis Firehose
DeliveryStream in moto's backends (stored: nothing evaluates alarms or delivers records)."""
from __future__ import annotations

from typing import Any

from moto.cloudwatch.models import cloudwatch_backends
from moto.core.common_models import CloudFormationModel
from moto.firehose.models import firehose_backends
from moto.logs.models import logs_backends

from .base import Provider
from .naming import short_name

_DESTINATIONS = ("S3DestinationConfiguration", "ExtendedS3DestinationConfiguration",
                 "RedshiftDestinationConfiguration", "ElasticsearchDestinationConfiguration",
                 "SplunkDestinationConfiguration", "HttpEndpointDestinationConfiguration",
                 "SnowflakeDestinationConfiguration", "IcebergDestinationConfiguration")


class Alarm(Provider, CloudFormationModel):
    TYPE = "AWS::CloudWatch::Alarm"
    ATTRS = ("Arn",)

    @classmethod
    def build(cls, name: str, props: dict[str, Any], logical_id: str, account_id: str,
              region: str) -> "Alarm":
        alarm = cloudwatch_backends[account_id][region].put_metric_alarm(
            name=props.get("AlarmName") or name, namespace=props.get("Namespace"),
            metric_name=props.get("MetricName"),
            comparison_operator=props.get("ComparisonOperator"),
            evaluation_periods=props.get("EvaluationPeriods"), period=props.get("Period"),
            threshold=props.get("Threshold"), statistic=props.get("Statistic"),
            description=props.get("AlarmDescription"),
            dimensions=props.get("Dimensions") or [],
            alarm_actions=props.get("AlarmActions") or [],
            ok_actions=props.get("OKActions") or [],
            insufficient_data_actions=props.get("InsufficientDataActions") or [],
            datapoints_to_alarm=props.get("DatapointsToAlarm"),
            treat_missing_data=props.get("TreatMissingData"), unit=props.get("Unit"),
            actions_enabled=props.get("ActionsEnabled", True) not in (False, "false"))
        made = cls(alarm.name, {"Arn": alarm.alarm_arn}, props, account_id, region, logical_id)
        made.generated = name
        return made

    def update(self, props: dict[str, Any]) -> "Alarm":
        self.remove()
        return type(self).build(self.generated, props, self.logical_id, self.account_id,
                                self.region)

    def remove(self) -> None:
        cloudwatch_backends[self.account_id][self.region].delete_alarms([self.physical_id])


class LogStream(Provider, CloudFormationModel):
    TYPE = "AWS::Logs::LogStream"

    @classmethod
    def build(cls, name: str, props: dict[str, Any], logical_id: str, account_id: str,
              region: str) -> "LogStream":
        stream = props.get("LogStreamName") or name
        logs_backends[account_id][region].create_log_stream(props["LogGroupName"], stream)
        return cls(stream, {}, props, account_id, region, logical_id)

    def remove(self) -> None:
        group = logs_backends[self.account_id][self.region].groups.get(
            self.props["LogGroupName"])
        if group is not None:
            group.streams.pop(self.physical_id, None)


class SubscriptionFilter(Provider, CloudFormationModel):
    TYPE = "AWS::Logs::SubscriptionFilter"

    @classmethod
    def build(cls, name: str, props: dict[str, Any], logical_id: str, account_id: str,
              region: str) -> "SubscriptionFilter":
        filter_name = props.get("FilterName") or name
        logs_backends[account_id][region].put_subscription_filter(
            props["LogGroupName"], filter_name, props.get("FilterPattern", ""),
            props["DestinationArn"], props.get("RoleArn"))
        return cls(filter_name, {}, props, account_id, region, logical_id)

    def remove(self) -> None:
        backend = logs_backends[self.account_id][self.region]
        if self.props["LogGroupName"] in backend.groups:
            backend.groups[self.props["LogGroupName"]].subscription_filters.pop(
                self.physical_id, None)


class DeliveryStream(Provider, CloudFormationModel):
    TYPE = "AWS::KinesisFirehose::DeliveryStream"
    ATTRS = ("Arn",)

    @classmethod
    def build(cls, name: str, props: dict[str, Any], logical_id: str, account_id: str,
              region: str) -> "DeliveryStream":
        stream_name = props.get("DeliveryStreamName") or short_name(name, logical_id, 64)
        destinations = {_snake(key): props.get(key) for key in _DESTINATIONS}
        destinations["delivery_stream_encryption_configuration_input"] = props.get(
            "DeliveryStreamEncryptionConfigurationInput")
        firehose_backends[account_id][region].create_delivery_stream(
            region, stream_name, props.get("DeliveryStreamType", "DirectPut"),
            kinesis_stream_source_configuration=props.get("KinesisStreamSourceConfiguration"),
            tags=props.get("Tags") or [], **destinations)
        stream = firehose_backends[account_id][region].delivery_streams[stream_name]
        return cls(stream_name, {"Arn": stream.delivery_stream_arn}, props, account_id, region,
                   logical_id)

    def remove(self) -> None:
        firehose_backends[self.account_id][self.region].delivery_streams.pop(self.physical_id,
                                                                            None)


def _snake(name: str) -> str:
    return "".join("_" + c.lower() if c.isupper() else c for c in name).lstrip("_")
