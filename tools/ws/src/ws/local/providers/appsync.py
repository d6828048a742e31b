"""AppSync GraphQLApi, GraphQLSchema and ApiKey in moto's AppSync backend (data sources and
resolvers: providers/appsyncparts.py; functions are placeholders, providers/shapes.py)."""
from __future__ import annotations

from typing import Any

from moto.appsync.models import appsync_backends
from moto.core.common_models import CloudFormationModel

from .appsyncparts import s3_text
from .base import Provider


def _backend(account_id: str, region: str) -> Any:
    return appsync_backends[account_id][region]


class GraphQLApi(Provider, CloudFormationModel):
    TYPE = "AWS::AppSync::GraphQLApi"
    ATTRS = ("ApiId", "Arn", "GraphQLDns", "GraphQLUrl", "GraphQLEndpointArn", "RealtimeDns",
             "RealtimeUrl")

    @classmethod
    def create(cls, props: dict[str, Any], logical_id: str, account_id: str,
               region: str) -> "GraphQLApi":
        tags = {t["Key"]: t["Value"] for t in props.get("Tags") or []}
        api = _backend(account_id, region).create_graphql_api(
            name=props.get("Name") or logical_id, log_config=props.get("LogConfig"),
            authentication_type=props.get("AuthenticationType", "API_KEY"),
            user_pool_config=props.get("UserPoolConfig"),
            open_id_connect_config=props.get("OpenIDConnectConfig"),
            additional_authentication_providers=props.get("AdditionalAuthenticationProviders"),
            xray_enabled=bool(props.get("XrayEnabled")),
            lambda_authorizer_config=props.get("LambdaAuthorizerConfig"), tags=tags,
            visibility=props.get("Visibility"))
        dns = f"{api.api_id}.appsync-api.{region}.amazonaws.com"
        realtime = f"{api.api_id}.appsync-realtime-api.{region}.amazonaws.com"
        attrs = {"ApiId": api.api_id, "Arn": api.arn, "GraphQLDns": dns,
                 "GraphQLUrl": f"https://{dns}/graphql", "GraphQLEndpointArn": api.arn,
                 "RealtimeDns": realtime, "RealtimeUrl": f"wss://{realtime}/graphql"}
        return cls(api.arn, attrs, props, account_id, region, logical_id)

    def update(self, props: dict[str, Any]) -> "GraphQLApi":
        api = _backend(self.account_id, self.region).graphql_apis[self.attrs["ApiId"]]
        api.name = props.get("Name") or api.name
        self.props = props
        return self

    def remove(self) -> None:
        _backend(self.account_id, self.region).graphql_apis.pop(self.attrs["ApiId"], None)


class GraphQLSchema(Provider, CloudFormationModel):
    TYPE = "AWS::AppSync::GraphQLSchema"

    @classmethod
    def create(cls, props: dict[str, Any], logical_id: str, account_id: str,
               region: str) -> "GraphQLSchema":
        definition = props.get("Definition") or ""
        if not definition and props.get("DefinitionS3Location"):
            definition = s3_text(props["DefinitionS3Location"], account_id)
        _backend(account_id, region).start_schema_creation(props["ApiId"], definition.encode())
        return cls(f"{props['ApiId']}GraphQLSchema", {}, props, account_id, region, logical_id)

    def update(self, props: dict[str, Any]) -> "GraphQLSchema":
        return type(self).create(props, self.logical_id, self.account_id, self.region)

    def remove(self) -> None:
        api = _backend(self.account_id, self.region).graphql_apis.get(self.props["ApiId"])
        if api is not None:
            api.graphql_schema = None


class ApiKey(Provider, CloudFormationModel):
    TYPE = "AWS::AppSync::ApiKey"
    ATTRS = ("ApiKey", "ApiKeyId", "Arn")

    @classmethod
    def create(cls, props: dict[str, Any], logical_id: str, account_id: str,
               region: str) -> "ApiKey":
        backend = _backend(account_id, region)
        key = backend.create_api_key(props["ApiId"], props.get("Description", ""),
                                     props.get("Expires"))
        arn = f"{backend.graphql_apis[props['ApiId']].arn}/apikeys/{key.key_id}"
        return cls(arn, {"ApiKey": key.key_id, "ApiKeyId": key.key_id, "Arn": arn}, props,
                   account_id, region, logical_id)

    def remove(self) -> None:
        api = _backend(self.account_id, self.region).graphql_apis.get(self.props["ApiId"])
        if api is not None:
            api.api_keys.pop(self.attrs["ApiKeyId"], None)
