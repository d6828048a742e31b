"""AppSync DataSource and Resolver, kept on moto's GraphQL API object for the local GraphQL
server (ws.local.appsync), with Ref and GetAtt shaped as AWS's."""
from __future__ import annotations

from typing import Any

from moto.appsync.models import appsync_backends
from moto.core.common_models import CloudFormationModel
from moto.s3.models import s3_backends

from .base import Provider


def api_parts(account_id: str, region: str, api_id: str) -> dict[str, dict[Any, Any]]:
    """The data sources (by name) and resolvers (by (type, field)) of an API."""
    api = appsync_backends[account_id][region].graphql_apis[api_id]
    return api.__dict__.setdefault("ws_parts", {"sources": {}, "resolvers": {}})


def s3_text(uri: str, account_id: str) -> str:
    """The text of a packaged file at `s3://bucket/key` in the endpoint's S3."""
    bucket, _, key = uri.removeprefix("s3://").partition("/")
    return s3_backends[account_id]["aws"].get_object(bucket, key).value.decode()


def _arn(region: str, account_id: str, api_id: str) -> str:
    return f"arn:aws:appsync:{region}:{account_id}:apis/{api_id}"


class DataSource(Provider, CloudFormationModel):
    TYPE = "AWS::AppSync::DataSource"
    ATTRS = ("DataSourceArn", "Name")

    @classmethod
    def create(cls, props: dict[str, Any], logical_id: str, account_id: str,
               region: str) -> "DataSource":
        api_parts(account_id, region, props["ApiId"])["sources"][props["Name"]] = props
        arn = f"{_arn(region, account_id, props['ApiId'])}/datasources/{props['Name']}"
        return cls(arn, {"DataSourceArn": arn, "Name": props["Name"]}, props, account_id,
                   region, logical_id)

    def remove(self) -> None:
        try:
            api_parts(self.account_id, self.region, self.props["ApiId"])["sources"].pop(
                self.props["Name"], None)
        except KeyError:  # the API is gone already
            pass


class Resolver(Provider, CloudFormationModel):
    TYPE = "AWS::AppSync::Resolver"
    ATTRS = ("ResolverArn", "TypeName", "FieldName")

    @classmethod
    def create(cls, props: dict[str, Any], logical_id: str, account_id: str,
               region: str) -> "Resolver":
        kept = dict(props)
        for name in ("RequestMappingTemplate", "ResponseMappingTemplate", "Code"):
            if f"{name}S3Location" in props and name not in props:
                kept[name] = s3_text(props[f"{name}S3Location"], account_id)
        type_name, field = props["TypeName"], props["FieldName"]
        api_parts(account_id, region, props["ApiId"])["resolvers"][(type_name, field)] = kept
        arn = f"{_arn(region, account_id, props['ApiId'])}/types/{type_name}/resolvers/{field}"
        return cls(arn, {"ResolverArn": arn, "TypeName": type_name, "FieldName": field}, props,
                   account_id, region, logical_id)

    def remove(self) -> None:
        try:
            api_parts(self.account_id, self.region, self.props["ApiId"])["resolvers"].pop(
                (self.props["TypeName"], self.props["FieldName"]), None)
        except KeyError:
            pass
