"""API Gateway Authorizer (moto lacks it) and Method (moto's drops AuthorizerId and responses,
and refuses SAM's AWS_IAM integrations: their caller's credentials as a cross-account role)."""
from __future__ import annotations

from typing import Any

from moto.core.common_models import CloudFormationModel

from .apigateway import api_backend
from .base import Provider

CALLER = "arn:aws:iam::*:user/*"  # the caller's credentials (SAM's AWS_IAM InvokeRole default)


class Authorizer(Provider, CloudFormationModel):
    TYPE = "AWS::ApiGateway::Authorizer"
    ATTRS = ("AuthorizerId",)

    @classmethod
    def create(cls, props: dict[str, Any], logical_id: str, account_id: str,
               region: str) -> "Authorizer":
        authorizer = api_backend(account_id, region).create_authorizer(
            props["RestApiId"], props.get("Name") or logical_id, props["Type"],
            provider_arns=props.get("ProviderARNs"), auth_type=props.get("AuthType"),
            authorizer_uri=props.get("AuthorizerUri"),
            authorizer_credentials=props.get("AuthorizerCredentials"),
            identity_source=props.get("IdentitySource"),
            identiy_validation_expression=props.get("IdentityValidationExpression"),
            authorizer_result_ttl=props.get("AuthorizerResultTtlInSeconds"))
        # moto loses it (its keyword is misspelt 'identiy_' on the way in)
        authorizer.identity_validation_expression = props.get("IdentityValidationExpression")
        return cls(authorizer.id, {"AuthorizerId": authorizer.id}, props, account_id, region,
                   logical_id)

    def update(self, props: dict[str, Any]) -> "Authorizer":
        if props["RestApiId"] != self.props["RestApiId"]:
            return super().update(props)
        found = api_backend(self.account_id, self.region).get_authorizer(props["RestApiId"],
                                                                      self.physical_id)
        found.name = props.get("Name") or found.name
        found.provider_arns = props.get("ProviderARNs")
        found.identity_source = props.get("IdentitySource")
        self.props = props
        return self

    def remove(self) -> None:
        api = api_backend(self.account_id, self.region).apis.get(self.props["RestApiId"])
        if api is not None:
            api.authorizers.pop(self.physical_id, None)


class Method(Provider, CloudFormationModel):
    """Replaces moto's own Method model, which drops AuthorizerId and request settings."""

    TYPE = "AWS::ApiGateway::Method"

    @classmethod
    def create(cls, props: dict[str, Any], logical_id: str, account_id: str,
               region: str) -> "Method":
        backend = api_backend(account_id, region)
        api_id, resource_id, verb = props["RestApiId"], props["ResourceId"], props["HttpMethod"]
        backend.put_method(api_id, resource_id, verb, props.get("AuthorizationType", "NONE"),
                           api_key_required=props.get("ApiKeyRequired"),
                           request_parameters=props.get("RequestParameters"),
                           request_models=props.get("RequestModels"),
                           operation_name=props.get("OperationName"),
                           authorizer_id=props.get("AuthorizerId"),
                           authorization_scopes=props.get("AuthorizationScopes"),
                           request_validator_id=props.get("RequestValidatorId"))
        integration = props.get("Integration")
        if integration:
            _put_integration(backend, api_id, resource_id, verb, integration)
            _put_responses(backend, api_id, resource_id, verb, props)
        return cls(f"{api_id}-{resource_id}-{verb}", {}, props, account_id, region, logical_id)

    def remove(self) -> None:
        backend = api_backend(self.account_id, self.region)
        api = backend.apis.get(self.props["RestApiId"])
        if api is not None and self.props["ResourceId"] in api.resources:
            backend.delete_method(self.props["RestApiId"], self.props["ResourceId"],
                                  self.props["HttpMethod"])


def _put_integration(backend: Any, api_id: str, resource_id: str, verb: str,
                     integration: dict[str, Any]) -> None:
    credentials = integration.get("Credentials")
    made = backend.put_integration(
        api_id, resource_id, verb, integration["Type"], integration.get("Uri", ""),
        integration.get("IntegrationHttpMethod", verb),
        credentials=None if credentials == CALLER else credentials,
        request_templates=integration.get("RequestTemplates"),
        request_parameters=integration.get("RequestParameters"),
        passthrough_behavior=integration.get("PassthroughBehavior"),
        content_handling=integration.get("ContentHandling"),
        timeout_in_millis=integration.get("TimeoutInMillis"),
        connection_type=integration.get("ConnectionType"))
    made.credentials = credentials  # moto refuses the caller's as a cross-account role
    made.connection_id = integration.get("ConnectionId")  # a private integration's VPC link


def _put_responses(backend: Any, api_id: str, resource_id: str, verb: str,
                   props: dict[str, Any]) -> None:
    """The integration's and method's responses, which MOCK and HTTP integrations answer with."""
    for item in props["Integration"].get("IntegrationResponses") or []:
        backend.put_integration_response(api_id, resource_id, verb, str(item["StatusCode"]),
                                         item.get("SelectionPattern"),
                                         item.get("ResponseTemplates"),
                                         item.get("ResponseParameters"))
    for item in props.get("MethodResponses") or []:
        backend.put_method_response(api_id, resource_id, verb, str(item["StatusCode"]),
                                    item.get("ResponseModels"), item.get("ResponseParameters"))
