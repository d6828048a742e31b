"""API Gateway DomainName, BasePathMapping, Model and RequestValidator in moto's API Gateway
backend (a custom domain is recorded: the endpoint serves APIs on its own address)."""
from __future__ import annotations

import json
from typing import Any

from moto.core.common_models import CloudFormationModel

from .apigateway import api_backend
from .base import Provider


class DomainName(Provider, CloudFormationModel):
    TYPE = "AWS::ApiGateway::DomainName"
    ATTRS = ("DistributionDomainName", "DistributionHostedZoneId", "RegionalDomainName",
             "RegionalHostedZoneId")

    @classmethod
    def create(cls, props: dict[str, Any], logical_id: str, account_id: str,
               region: str) -> "DomainName":
        domain = api_backend(account_id, region).create_domain_name(
            domain_name=props["DomainName"], certificate_name="", tags=props.get("Tags") or [],
            certificate_arn=props.get("CertificateArn", ""), certificate_body="",
            certificate_private_key="", certificate_chain="", regional_certificate_name="",
            regional_certificate_arn=props.get("RegionalCertificateArn", ""),
            endpoint_configuration=props.get("EndpointConfiguration"),
            security_policy=props.get("SecurityPolicy", "TLS_1_2"))
        attrs = {"DistributionDomainName": domain.distribution_domain_name,
                 "DistributionHostedZoneId": domain.distribution_hosted_zone_id,
                 "RegionalDomainName": domain.regional_domain_name,
                 "RegionalHostedZoneId": domain.regional_hosted_zone_id}
        return cls(domain.domain_name, attrs, props, account_id, region, logical_id)

    def remove(self) -> None:
        api_backend(self.account_id, self.region).domain_names.pop(self.physical_id, None)


class BasePathMapping(Provider, CloudFormationModel):
    TYPE = "AWS::ApiGateway::BasePathMapping"

    @classmethod
    def create(cls, props: dict[str, Any], logical_id: str, account_id: str,
               region: str) -> "BasePathMapping":
        mapping = api_backend(account_id, region).create_base_path_mapping(
            props["DomainName"], props["RestApiId"], props.get("BasePath", ""),
            props.get("Stage"))
        made = cls(f"{props['DomainName']}/{mapping.base_path}", {}, props, account_id,
                   region, logical_id)
        made.base_path = mapping.base_path
        return made

    def remove(self) -> None:
        mappings = api_backend(self.account_id, self.region).base_path_mappings
        mappings.get(self.props["DomainName"], {}).pop(self.base_path, None)


class Model(Provider, CloudFormationModel):
    TYPE = "AWS::ApiGateway::Model"

    @classmethod
    def create(cls, props: dict[str, Any], logical_id: str, account_id: str,
               region: str) -> "Model":
        schema = props.get("Schema")
        model = api_backend(account_id, region).create_model(
            props["RestApiId"], props.get("Name") or logical_id,
            props.get("ContentType", "application/json"), props.get("Description", ""),
            json.dumps(schema) if isinstance(schema, dict) else schema or "")
        return cls(model.name, {}, props, account_id, region, logical_id)

    def remove(self) -> None:
        api = api_backend(self.account_id, self.region).apis.get(self.props["RestApiId"])
        if api is not None:
            api.models.pop(self.physical_id, None)


class RequestValidator(Provider, CloudFormationModel):
    TYPE = "AWS::ApiGateway::RequestValidator"
    ATTRS = ("RequestValidatorId",)

    @classmethod
    def create(cls, props: dict[str, Any], logical_id: str, account_id: str,
               region: str) -> "RequestValidator":
        validator = api_backend(account_id, region).create_request_validator(
            props["RestApiId"], props.get("Name") or logical_id,
            bool(props.get("ValidateRequestBody")), bool(props.get("ValidateRequestParameters")))
        return cls(validator.id, {"RequestValidatorId": validator.id}, props, account_id,
                   region, logical_id)

    def remove(self) -> None:
        api = api_backend(self.account_id, self.region).apis.get(self.props["RestApiId"])
        if api is not None:
            api.request_validators.pop(self.physical_id, None)
