"""API Gateway v2 (HTTP and WebSocket APIs) in moto's apigatewayv2 backend: Api (its OpenAPI
Body imported as API Gateway does, again in place when it changes: ws.local.providers.httpimport),
Stage, Route, Integration, Authorizer and Deployment (moto keeps none: stages deploy
automatically, so it is an id only)."""
from __future__ import annotations

from typing import Any

from moto.apigatewayv2.models import apigatewayv2_backends
from moto.core.common_models import CloudFormationModel

from . import httpimport
from .base import Provider
from .naming import random_id

# CloudFormation's property for each moto argument whose name does not follow from it.
_RENAMED = {"auth_creds_arn": "AuthorizerCredentialsArn",
            "auth_payload_format_version": "AuthorizerPayloadFormatVersion",
            "auth_result_ttl": "AuthorizerResultTtlInSeconds",
            "identity_validation_expr": "IdentityValidationExpression",
            "jwt_config": "JwtConfiguration", "enable_simple_response": "EnableSimpleResponses",
            "tls_config": "TlsConfig"}


def _backend(account_id: str, region: str) -> Any:
    return apigatewayv2_backends[account_id][region]


def _arguments(props: dict[str, Any], names: str) -> dict[str, Any]:
    """moto's keyword arguments (space-separated snake_case `names`) from CloudFormation's."""
    return {name: props.get(_RENAMED.get(name) or
                            "".join(p.capitalize() for p in name.split("_")))
            for name in names.split()}


def _settings(props: dict[str, Any], logical_id: str) -> dict[str, Any]:
    """moto's create_api/update arguments an API takes from its properties (the Body's
    title and version where they are not given)."""
    info = (props.get("Body") or {}).get("info") or {}
    args = _arguments(props, "api_key_selection_expression description "
                             "disable_schema_validation disable_execute_api_endpoint "
                             "route_selection_expression version")
    if args["version"] is None and "version" in info:
        args["version"] = str(info["version"])
    return {**args, "cors_configuration": props.get("CorsConfiguration"),
            "name": props.get("Name") or info.get("title") or logical_id}


class Api(Provider, CloudFormationModel):
    TYPE = "AWS::ApiGatewayV2::Api"
    ATTRS = ("ApiEndpoint", "ApiId")

    imported: dict[str, list[str]]  # ids of what the Body made (create sets it), by collection

    @classmethod
    def create(cls, props: dict[str, Any], logical_id: str, account_id: str,
               region: str) -> "Api":
        api = _backend(account_id, region).create_api(
            tags=props.get("Tags") or {}, protocol_type=props.get("ProtocolType", "HTTP"),
            **_settings(props, logical_id))
        if str(api.protocol_type).upper() == "WEBSOCKET":  # moto says https://, AWS wss://
            api.api_endpoint = "wss://" + api.api_endpoint.removeprefix("https://")
        made = cls(api.api_id, {"ApiId": api.api_id, "ApiEndpoint": api.api_endpoint}, props,
                   account_id, region, logical_id)
        made.imported = httpimport.import_body(api, props.get("Body") or {})
        return made

    def update(self, props: dict[str, Any]) -> "Api":
        """In place, as API Gateway imports a changed Body: the API keeps its id and stages."""
        api = _backend(self.account_id, self.region).apis.get(self.physical_id)
        if api is None or props.get("ProtocolType", "HTTP") != \
                self.props.get("ProtocolType", "HTTP"):
            return super().update(props)  # CloudFormation replaces it too
        for collection, ids in self.imported.items():
            for made in ids:
                getattr(api, collection).pop(made, None)
        api.update(**_settings(props, self.logical_id))
        self.imported = httpimport.import_body(api, props.get("Body") or {})
        self.props = props
        return self

    def remove(self) -> None:
        _backend(self.account_id, self.region).apis.pop(self.physical_id, None)


class _Part(Provider):
    """A part of an API: removed with it, or on its own."""

    COLLECTION = ""

    def remove(self) -> None:
        api = _backend(self.account_id, self.region).apis.get(self.props["ApiId"])
        if api is not None:
            getattr(api, self.COLLECTION).pop(self.physical_id, None)


class Stage(_Part, CloudFormationModel):
    TYPE = "AWS::ApiGatewayV2::Stage"
    COLLECTION = "stages"

    @classmethod
    def create(cls, props: dict[str, Any], logical_id: str, account_id: str,
               region: str) -> "Stage":
        config = {k[0].lower() + k[1:]: v for k, v in props.items() if k != "ApiId"}
        stage = _backend(account_id, region).create_stage(props["ApiId"], config)
        return cls(stage.name, {}, props, account_id, region, logical_id)


class Route(_Part, CloudFormationModel):
    TYPE = "AWS::ApiGatewayV2::Route"
    ATTRS = ("RouteId",)
    COLLECTION = "routes"

    @classmethod
    def create(cls, props: dict[str, Any], logical_id: str, account_id: str,
               region: str) -> "Route":
        args = _arguments(props, "authorization_scopes authorization_type authorizer_id "
                                 "model_selection_expression operation_name request_models "
                                 "request_parameters route_key "
                                 "route_response_selection_expression target")
        route = _backend(account_id, region).create_route(
            api_id=props["ApiId"], api_key_required=bool(props.get("ApiKeyRequired")), **args)
        return cls(route.route_id, {"RouteId": route.route_id}, props, account_id, region,
                   logical_id)


class Integration(_Part, CloudFormationModel):
    TYPE = "AWS::ApiGatewayV2::Integration"
    ATTRS = ("IntegrationId",)
    COLLECTION = "integrations"

    @classmethod
    def create(cls, props: dict[str, Any], logical_id: str, account_id: str,
               region: str) -> "Integration":
        args = _arguments(props, "connection_id connection_type content_handling_strategy "
                                 "credentials_arn description integration_method "
                                 "integration_subtype integration_type integration_uri "
                                 "passthrough_behavior payload_format_version "
                                 "request_parameters request_templates response_parameters "
                                 "template_selection_expression timeout_in_millis tls_config")
        made = _backend(account_id, region).create_integration(api_id=props["ApiId"], **args)
        return cls(made.id, {"IntegrationId": made.id}, props, account_id, region, logical_id)


class Authorizer(_Part, CloudFormationModel):
    TYPE = "AWS::ApiGatewayV2::Authorizer"
    ATTRS = ("AuthorizerId",)
    COLLECTION = "authorizers"

    @classmethod
    def create(cls, props: dict[str, Any], logical_id: str, account_id: str,
               region: str) -> "Authorizer":
        args = _arguments(props, "auth_creds_arn auth_payload_format_version auth_result_ttl "
                                 "authorizer_type authorizer_uri enable_simple_response "
                                 "identity_source identity_validation_expr jwt_config name")
        made = _backend(account_id, region).create_authorizer(api_id=props["ApiId"], **args)
        return cls(made.id, {"AuthorizerId": made.id}, props, account_id, region, logical_id)


class Deployment(Provider, CloudFormationModel):
    TYPE = "AWS::ApiGatewayV2::Deployment"
    ATTRS = ("DeploymentId",)

    @classmethod
    def create(cls, props: dict[str, Any], logical_id: str, account_id: str,
               region: str) -> "Deployment":
        deployment_id = random_id(6)
        return cls(deployment_id, {"DeploymentId": deployment_id}, props, account_id, region,
                   logical_id)

    def remove(self) -> None:
        """Nothing was kept."""


