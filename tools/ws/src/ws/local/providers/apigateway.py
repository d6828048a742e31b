"""API Gateway RestApi (with its BinaryMediaTypes, which moto drops), Deployment and Stage:
moto lacks Stage and cannot delete the others."""
from __future__ import annotations

from typing import Any

from moto.apigateway.models import apigateway_backends
from moto.core.common_models import CloudFormationModel

from .base import Provider


def api_backend(account_id: str, region: str) -> Any:
    return apigateway_backends[account_id][region]


def _media_types(props: dict[str, Any]) -> list[str]:
    """BinaryMediaTypes as the gateway matches them (`~1`, the API's escape, is `/`)."""
    return [str(t).replace("~1", "/") for t in props.get("BinaryMediaTypes") or []]


class RestApi(Provider, CloudFormationModel):
    """Replaces moto's RestApi model, which cannot be deleted (stacks left APIs behind)."""

    TYPE = "AWS::ApiGateway::RestApi"
    ATTRS = ("RestApiId", "RootResourceId")

    @classmethod
    def create(cls, props: dict[str, Any], logical_id: str, account_id: str,
               region: str) -> "RestApi":
        api = api_backend(account_id, region).create_rest_api(
            name=props.get("Name") or logical_id, description=props.get("Description", ""),
            endpoint_configuration=props.get("EndpointConfiguration"),
            api_key_source=props.get("ApiKeySourceType"))
        api.binaryMediaTypes = _media_types(props)
        root = next(r.id for r in api.resources.values() if r.path_part == "/")
        return cls(api.id, {"RestApiId": api.id, "RootResourceId": root}, props, account_id,
                   region, logical_id)

    def update(self, props: dict[str, Any]) -> "RestApi":
        api = api_backend(self.account_id, self.region).get_rest_api(self.physical_id)
        api.name = props.get("Name") or api.name
        api.description = props.get("Description", "")
        api.api_key_source = props.get("ApiKeySourceType") or "HEADER"
        api.binaryMediaTypes = _media_types(props)
        self.props = props
        return self

    def remove(self) -> None:
        api_backend(self.account_id, self.region).apis.pop(self.physical_id, None)


class Deployment(Provider, CloudFormationModel):
    """Replaces moto's Deployment, whose Ref gives the object (it has no physical_resource_id)
    and which stays behind when deleted."""

    TYPE = "AWS::ApiGateway::Deployment"

    @classmethod
    def create(cls, props: dict[str, Any], logical_id: str, account_id: str,
               region: str) -> "Deployment":
        deployment = api_backend(account_id, region).create_deployment(
            props["RestApiId"], props.get("StageName"), props.get("Description", ""),
            (props.get("StageDescription") or {}).get("Variables"))
        return cls(deployment.id, {}, props, account_id, region, logical_id)

    def remove(self) -> None:
        api = api_backend(self.account_id, self.region).apis.get(self.props["RestApiId"])
        if api is None:
            return
        stage = api.stages.get(self.props.get("StageName") or "")
        if stage is not None and stage.deployment_id == self.physical_id:
            del api.stages[stage.name]  # the stage this deployment made, as AWS removes it
        api.deployments.pop(self.physical_id, None)


class Stage(Provider, CloudFormationModel):
    TYPE = "AWS::ApiGateway::Stage"

    @classmethod
    def create(cls, props: dict[str, Any], logical_id: str, account_id: str,
               region: str) -> "Stage":
        api_id, name = props["RestApiId"], props.get("StageName") or logical_id
        backend = api_backend(account_id, region)
        backend.get_rest_api(api_id).stages.pop(name, None)  # a Deployment may have made it
        tags = {t["Key"]: t["Value"] for t in props.get("Tags", [])}
        backend.create_stage(api_id, name, props["DeploymentId"],
                             variables=props.get("Variables"),
                             description=props.get("Description", ""),
                             cacheClusterEnabled=props.get("CacheClusterEnabled"),
                             cacheClusterSize=props.get("CacheClusterSize"), tags=tags,
                             tracing_enabled=props.get("TracingEnabled"))
        return cls(name, {}, props, account_id, region, logical_id)

    def remove(self) -> None:
        api = api_backend(self.account_id, self.region).apis.get(self.props["RestApiId"])
        if api is not None:
            api.stages.pop(self.physical_id, None)
