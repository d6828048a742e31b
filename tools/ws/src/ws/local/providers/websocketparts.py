"""The parts only WebSocket APIs have, in moto's apigatewayv2 backend: a route's response
(which makes the route two-way: the gateway sends its integration's answer back to the
client) and an integration's response."""
from __future__ import annotations

from typing import Any

from moto.apigatewayv2.models import apigatewayv2_backends
from moto.core.common_models import CloudFormationModel

from .base import Provider


def _backend(account_id: str, region: str) -> Any:
    return apigatewayv2_backends[account_id][region]


class RouteResponse(Provider, CloudFormationModel):
    TYPE = "AWS::ApiGatewayV2::RouteResponse"
    ATTRS = ("RouteResponseId",)

    @classmethod
    def create(cls, props: dict[str, Any], logical_id: str, account_id: str,
               region: str) -> "RouteResponse":
        made = _backend(account_id, region).create_route_response(
            api_id=props["ApiId"], route_id=props["RouteId"],
            route_response_key=props.get("RouteResponseKey", "$default"),
            model_selection_expression=props.get("ModelSelectionExpression"),
            response_models=props.get("ResponseModels"))
        return cls(made.id, {"RouteResponseId": made.id}, props, account_id, region,
                   logical_id)

    def remove(self) -> None:
        api = _backend(self.account_id, self.region).apis.get(self.props["ApiId"])
        route = api.routes.get(self.props["RouteId"]) if api is not None else None
        if route is not None:
            route.route_responses.pop(self.physical_id, None)


class IntegrationResponse(Provider, CloudFormationModel):
    TYPE = "AWS::ApiGatewayV2::IntegrationResponse"
    ATTRS = ("IntegrationResponseId",)

    @classmethod
    def create(cls, props: dict[str, Any], logical_id: str, account_id: str,
               region: str) -> "IntegrationResponse":
        made = _backend(account_id, region).create_integration_response(
            api_id=props["ApiId"], integration_id=props["IntegrationId"],
            content_handling_strategy=props.get("ContentHandlingStrategy"),
            integration_response_key=props.get("IntegrationResponseKey", "$default"),
            response_parameters=props.get("ResponseParameters"),
            response_templates=props.get("ResponseTemplates"),
            template_selection_expression=props.get("TemplateSelectionExpression"))
        return cls(made.id, {"IntegrationResponseId": made.id}, props, account_id, region,
                   logical_id)

    def remove(self) -> None:
        api = _backend(self.account_id, self.region).apis.get(self.props["ApiId"])
        found = api.integrations.get(self.props["IntegrationId"]) if api is not None else None
        if found is not None:
            found.responses.pop(self.physical_id, None)
