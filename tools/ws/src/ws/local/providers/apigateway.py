"""API Gateway types moto's CloudFormation lacks (Stage, Authorizer) or keeps partly (Method)."""
from __future__ import annotations

from typing import Any

from moto.apigateway.models import apigateway_backends
from moto.core.common_models import CloudFormationModel

from .base import Provider


def _backend(account_id: str, region: str) -> Any:
    return apigateway_backends[account_id][region]


class RestApi(Provider, CloudFormationModel):
    """Replaces moto's RestApi model, which cannot be deleted (stacks left APIs behind)."""

    TYPE = "AWS::ApiGateway::RestApi"
    ATTRS = ("RestApiId", "RootResourceId")

    @classmethod
    def create(cls, props: dict[str, Any], logical_id: str, account_id: str,
               region: str) -> "RestApi":
        api = _backend(account_id, region).create_rest_api(
            name=props.get("Name") or logical_id, description=props.get("Description", ""),
            endpoint_configuration=props.get("EndpointConfiguration"))
        root = next(r.id for r in api.resources.values() if r.path_part == "/")
        return cls(api.id, {"RestApiId": api.id, "RootResourceId": root}, props, account_id,
                   region, logical_id)

    def update(self, props: dict[str, Any]) -> "RestApi":
        api = _backend(self.account_id, self.region).get_rest_api(self.physical_id)
        api.name = props.get("Name") or api.name
        api.description = props.get("Description", "")
        self.props = props
        return self

    def remove(self) -> None:
        _backend(self.account_id, self.region).apis.pop(self.physical_id, None)


class Stage(Provider, CloudFormationModel):
    TYPE = "AWS::ApiGateway::Stage"

    @classmethod
    def create(cls, props: dict[str, Any], logical_id: str, account_id: str,
               region: str) -> "Stage":
        api_id, name = props["RestApiId"], props.get("StageName") or logical_id
        backend = _backend(account_id, region)
        backend.get_rest_api(api_id).stages.pop(name, None)  # a Deployment may have made it
        tags = {t["Key"]: t["Value"] for t in props.get("Tags", [])}
        # moto's Deployment has no physical id, so a Ref to it resolves to the object itself.
        deployment = getattr(props["DeploymentId"], "id", props["DeploymentId"])
        backend.create_stage(api_id, name, deployment,
                             variables=props.get("Variables"),
                             description=props.get("Description", ""),
                             cacheClusterEnabled=props.get("CacheClusterEnabled"),
                             cacheClusterSize=props.get("CacheClusterSize"), tags=tags,
                             tracing_enabled=props.get("TracingEnabled"))
        return cls(name, {}, props, account_id, region, logical_id)

    def remove(self) -> None:
        api = _backend(self.account_id, self.region).apis.get(self.props["RestApiId"])
        if api is not None:
            api.stages.pop(self.physical_id, None)


class Authorizer(Provider, CloudFormationModel):
    TYPE = "AWS::ApiGateway::Authorizer"
    ATTRS = ("AuthorizerId",)

    @classmethod
    def create(cls, props: dict[str, Any], logical_id: str, account_id: str,
               region: str) -> "Authorizer":
        authorizer = _backend(account_id, region).create_authorizer(
            props["RestApiId"], props.get("Name") or logical_id, props["Type"],
            provider_arns=props.get("ProviderARNs"), auth_type=props.get("AuthType"),
            authorizer_uri=props.get("AuthorizerUri"),
            authorizer_credentials=props.get("AuthorizerCredentials"),
            identity_source=props.get("IdentitySource"),
            identiy_validation_expression=props.get("IdentityValidationExpression"),
            authorizer_result_ttl=props.get("AuthorizerResultTtlInSeconds"))
        return cls(authorizer.id, {"AuthorizerId": authorizer.id}, props, account_id, region,
                   logical_id)

    def update(self, props: dict[str, Any]) -> "Authorizer":
        if props["RestApiId"] != self.props["RestApiId"]:
            return super().update(props)
        found = _backend(self.account_id, self.region).get_authorizer(props["RestApiId"],
                                                                      self.physical_id)
        found.name = props.get("Name") or found.name
        found.provider_arns = props.get("ProviderARNs")
        found.identity_source = props.get("IdentitySource")
        self.props = props
        return self

    def remove(self) -> None:
        api = _backend(self.account_id, self.region).apis.get(self.props["RestApiId"])
        if api is not None:
            api.authorizers.pop(self.physical_id, None)


class Method(Provider, CloudFormationModel):
    """Replaces moto's own Method model, which drops AuthorizerId and request settings."""

    TYPE = "AWS::ApiGateway::Method"

    @classmethod
    def create(cls, props: dict[str, Any], logical_id: str, account_id: str,
               region: str) -> "Method":
        backend = _backend(account_id, region)
        api_id, resource_id, verb = props["RestApiId"], props["ResourceId"], props["HttpMethod"]
        backend.put_method(api_id, resource_id, verb, props.get("AuthorizationType", "NONE"),
                           api_key_required=props.get("ApiKeyRequired"),
                           request_parameters=props.get("RequestParameters"),
                           request_models=props.get("RequestModels"),
                           operation_name=props.get("OperationName"),
                           authorizer_id=props.get("AuthorizerId"),
                           authorization_scopes=props.get("AuthorizationScopes"))
        integration = props.get("Integration")
        if integration:
            backend.put_integration(api_id, resource_id, verb, integration["Type"],
                                    integration.get("Uri", ""),
                                    integration.get("IntegrationHttpMethod", verb),
                                    credentials=integration.get("Credentials"),
                                    request_templates=integration.get("RequestTemplates"),
                                    timeout_in_millis=integration.get("TimeoutInMillis"))
        return cls(f"{api_id}-{resource_id}-{verb}", {}, props, account_id, region, logical_id)

    def remove(self) -> None:
        backend = _backend(self.account_id, self.region)
        api = backend.apis.get(self.props["RestApiId"])
        if api is not None and self.props["ResourceId"] in api.resources:
            backend.delete_method(self.props["RestApiId"], self.props["ResourceId"],
                                  self.props["HttpMethod"])
