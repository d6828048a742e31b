"""VPC links, made in moto's API Gateway backends (they were placeholders): a REST API's, which
the local gateway follows to its Network Load Balancer (ws.local.apigw.vpclinks), and an HTTP
API's (its integrations name the listener or Cloud Map service themselves)."""
from __future__ import annotations

from typing import Any

from moto.apigatewayv2.models import apigatewayv2_backends
from moto.core.common_models import CloudFormationModel

from .apigateway import api_backend
from .base import Provider


class VpcLink(Provider, CloudFormationModel):
    TYPE = "AWS::ApiGateway::VpcLink"
    ATTRS = ("VpcLinkId",)

    @classmethod
    def build(cls, name: str, props: dict[str, Any], logical_id: str, account_id: str,
              region: str) -> "VpcLink":
        return cls.create({"Name": name, **props}, logical_id, account_id, region)

    @classmethod
    def create(cls, props: dict[str, Any], logical_id: str, account_id: str,
               region: str) -> "VpcLink":
        link = api_backend(account_id, region).create_vpc_link(
            props.get("Name") or logical_id, props.get("Description") or "",
            list(props.get("TargetArns") or []), props.get("Tags") or [])
        return cls(link.id, {"VpcLinkId": link.id}, props, account_id, region, logical_id)

    def update(self, props: dict[str, Any]) -> "VpcLink":
        """Name, description and targets change in place, as on AWS."""
        link = api_backend(self.account_id, self.region).vpc_links[self.physical_id]
        link.name = props.get("Name") or link.name
        link.description = props.get("Description") or ""
        link.target_arns = list(props.get("TargetArns") or [])
        self.props = props
        return self

    def remove(self) -> None:
        api_backend(self.account_id, self.region).vpc_links.pop(self.physical_id, None)


class HttpVpcLink(Provider, CloudFormationModel):
    TYPE = "AWS::ApiGatewayV2::VpcLink"
    ATTRS = ("VpcLinkId",)

    @classmethod
    def build(cls, name: str, props: dict[str, Any], logical_id: str, account_id: str,
              region: str) -> "HttpVpcLink":
        return cls.create({"Name": name, **props}, logical_id, account_id, region)

    @classmethod
    def create(cls, props: dict[str, Any], logical_id: str, account_id: str,
               region: str) -> "HttpVpcLink":
        link = apigatewayv2_backends[account_id][region].create_vpc_link(
            props.get("Name") or logical_id, list(props.get("SecurityGroupIds") or []),
            list(props.get("SubnetIds") or []), props.get("Tags") or {})
        return cls(link.id, {"VpcLinkId": link.id}, props, account_id, region, logical_id)

    def remove(self) -> None:
        apigatewayv2_backends[self.account_id][self.region].delete_vpc_link(self.physical_id)
