"""API Gateway ApiKey, UsagePlan and UsagePlanKey in moto's API Gateway backend."""
from __future__ import annotations

from typing import Any

from moto.core.common_models import CloudFormationModel

from .apigateway import api_backend
from .base import Provider


def _payload(props: dict[str, Any], names: tuple[str, ...]) -> dict[str, Any]:
    """The API's camelCase request from CloudFormation's PascalCase properties."""
    return {name[0].lower() + name[1:]: props[name] for name in names if name in props}


class ApiKey(Provider, CloudFormationModel):
    TYPE = "AWS::ApiGateway::ApiKey"
    ATTRS = ("APIKeyId",)

    @classmethod
    def build(cls, name: str, props: dict[str, Any], logical_id: str, account_id: str,
              region: str) -> "ApiKey":
        payload = _payload(props, ("Description", "Enabled", "Value", "CustomerId",
                                   "GenerateDistinctId"))
        payload["name"] = props.get("Name") or name
        payload["enabled"] = str(payload.get("enabled", False)).lower() == "true"  # or "false"
        key = api_backend(account_id, region).create_api_key(payload)
        return cls(key.id, {"APIKeyId": key.id}, props, account_id, region, logical_id)

    def remove(self) -> None:
        api_backend(self.account_id, self.region).keys.pop(self.physical_id, None)


class UsagePlan(Provider, CloudFormationModel):
    TYPE = "AWS::ApiGateway::UsagePlan"
    ATTRS = ("Id",)

    @classmethod
    def build(cls, name: str, props: dict[str, Any], logical_id: str, account_id: str,
              region: str) -> "UsagePlan":
        payload = _payload(props, ("Description", "Quota", "Throttle", "Tags"))
        payload["name"] = props.get("UsagePlanName") or name
        payload["apiStages"] = [_payload(s, ("ApiId", "Stage", "Throttle"))
                                for s in props.get("ApiStages") or []]
        plan = api_backend(account_id, region).create_usage_plan(payload)
        return cls(plan.id, {"Id": plan.id}, props, account_id, region, logical_id)

    def remove(self) -> None:
        api_backend(self.account_id, self.region).usage_plans.pop(self.physical_id, None)


class UsagePlanKey(Provider, CloudFormationModel):
    TYPE = "AWS::ApiGateway::UsagePlanKey"
    ATTRS = ("Id",)

    @classmethod
    def create(cls, props: dict[str, Any], logical_id: str, account_id: str,
               region: str) -> "UsagePlanKey":
        key = api_backend(account_id, region).create_usage_plan_key(
            props["UsagePlanId"], {"keyId": props["KeyId"], "keyType": props["KeyType"]})
        made_id = f"{props['KeyId']}:{props['UsagePlanId']}"
        made = cls(made_id, {"Id": made_id}, props, account_id, region, logical_id)
        made.key_id = key.id
        return made

    def remove(self) -> None:
        keys = api_backend(self.account_id, self.region).usage_plan_keys.get(
            self.props["UsagePlanId"], {})
        keys.pop(self.key_id, None)
