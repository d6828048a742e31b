"""Lambda Version, Alias, Url, EventInvokeConfig and LayerVersion in moto's Lambda backend.

moto's own Version and LayerVersion give their objects to `Ref` (`<moto...LayerVersion object
at 0x...>`); moto has no Alias (SAM's AutoPublishAlias makes one), Url or EventInvokeConfig.
"""
from __future__ import annotations

from typing import Any

from moto.awslambda.exceptions import LambdaClientError
from moto.awslambda.models import lambda_backends
from moto.core.common_models import CloudFormationModel

from .base import Provider


def _backend(account_id: str, region: str) -> Any:
    return lambda_backends[account_id][region]


def _function(props: dict[str, Any], key: str, account_id: str, region: str) -> Any:
    return _backend(account_id, region).get_function(props[key])


class Version(Provider, CloudFormationModel):
    TYPE = "AWS::Lambda::Version"
    ATTRS = ("FunctionArn", "Version")

    @classmethod
    def create(cls, props: dict[str, Any], logical_id: str, account_id: str,
               region: str) -> "Version":
        function = _function(props, "FunctionName", account_id, region)
        published = _backend(account_id, region).publish_version(
            function.function_name, props.get("Description", ""))
        version_arn = f"{function.function_arn}:{published.version}"
        return cls(version_arn, {"FunctionArn": version_arn, "Version": str(published.version)},
                   props, account_id, region, logical_id)

    def update(self, props: dict[str, Any]) -> "Version":
        return self  # a version is immutable: CloudFormation keeps it unless it is replaced

    def remove(self) -> None:
        name, _, version = self.physical_id.rpartition(":")
        try:
            _backend(self.account_id, self.region).delete_function(name, version)
        except LambdaClientError:  # the function went first
            pass


class Alias(Provider, CloudFormationModel):
    TYPE = "AWS::Lambda::Alias"
    ATTRS = ("AliasArn",)

    @classmethod
    def create(cls, props: dict[str, Any], logical_id: str, account_id: str,
               region: str) -> "Alias":
        function = _function(props, "FunctionName", account_id, region)
        alias = _backend(account_id, region).create_alias(
            props["Name"], function.function_name, str(props["FunctionVersion"]),
            props.get("Description", ""), props.get("RoutingConfig"))
        made = cls(alias.arn, {"AliasArn": alias.arn}, props, account_id, region, logical_id)
        made.function_name = function.function_name
        return made

    def remove(self) -> None:
        try:
            _backend(self.account_id, self.region).delete_alias(self.props["Name"],
                                                                self.function_name)
        except LambdaClientError:  # the function went first
            pass


class Url(Provider, CloudFormationModel):
    """moto keeps one URL a function, without a qualifier: one on an alias (SAM's
    AutoPublishAlias with FunctionUrlConfig) is kept on the function, named as given."""

    TYPE = "AWS::Lambda::Url"
    ATTRS = ("FunctionArn", "FunctionUrl")

    @classmethod
    def create(cls, props: dict[str, Any], logical_id: str, account_id: str,
               region: str) -> "Url":
        target = props["TargetFunctionArn"]
        function = _backend(account_id, region).get_function(target.split(":")[6]
                                                             if target.startswith("arn:")
                                                             else target)
        config = {k: props[k] for k in ("AuthType", "Cors", "InvokeMode") if k in props}
        url = _backend(account_id, region).create_function_url_config(function.function_arn,
                                                                      config)
        arn = target if target.startswith("arn:") else function.function_arn
        attrs = {"FunctionArn": arn, "FunctionUrl": url.url.rstrip("/") + "/"}
        made = cls(arn, attrs, props, account_id, region, logical_id)
        made.function_arn = function.function_arn
        return made

    def remove(self) -> None:
        try:
            _backend(self.account_id, self.region).delete_function_url_config(
                self.function_arn)
        except LambdaClientError:  # the function went first
            pass


class EventInvokeConfig(Provider, CloudFormationModel):
    TYPE = "AWS::Lambda::EventInvokeConfig"

    @classmethod
    def create(cls, props: dict[str, Any], logical_id: str, account_id: str,
               region: str) -> "EventInvokeConfig":
        function = _function(props, "FunctionName", account_id, region)
        config = {k: props[k] for k in ("DestinationConfig", "MaximumEventAgeInSeconds",
                                        "MaximumRetryAttempts") if k in props}
        _backend(account_id, region).put_function_event_invoke_config(function.function_name,
                                                                      config)
        made = cls(f"{function.function_name}|{props.get('Qualifier', '$LATEST')}", {}, props,
                   account_id, region, logical_id)
        made.function_name = function.function_name
        return made

    def remove(self) -> None:
        try:
            _backend(self.account_id, self.region).delete_function_event_invoke_config(
                self.function_name)
        except LambdaClientError:  # the function went first
            pass


class LayerVersion(Provider, CloudFormationModel):
    TYPE = "AWS::Lambda::LayerVersion"
    ATTRS = ("LayerVersionArn",)

    @classmethod
    def build(cls, name: str, props: dict[str, Any], logical_id: str, account_id: str,
              region: str) -> "LayerVersion":
        spec = {"Content": props["Content"], "LayerName": props.get("LayerName") or name}
        spec.update({k: props[k] for k in ("Description", "CompatibleRuntimes", "LicenseInfo",
                                           "CompatibleArchitectures") if k in props})
        layer = _backend(account_id, region).publish_layer_version(spec)
        made = cls(layer.arn, {"LayerVersionArn": layer.arn}, props, account_id, region,
                   logical_id)
        made.name = name
        return made

    def update(self, props: dict[str, Any]) -> "LayerVersion":
        self.remove()
        return type(self).build(self.name, props, self.logical_id, self.account_id, self.region)

    def remove(self) -> None:
        name, _, version = self.physical_id.rpartition(":")
        try:
            _backend(self.account_id, self.region).delete_layer_version(name, version)
        except LambdaClientError:  # already gone
            pass
