"""VPC links of REST APIs, made in moto's API Gateway backend (they were placeholders), so the
local gateway can follow one to its Network Load Balancer (ws.local.apigw.vpclinks)."""
from __future__ import annotations

from typing import Any

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
