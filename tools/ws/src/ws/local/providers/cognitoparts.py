"""Cognito UserPoolGroup, UserPoolDomain (cognito-idp backend) and IdentityPool
(cognito-identity backend)."""
from __future__ import annotations

import json
from typing import Any

from moto.cognitoidentity.models import cognitoidentity_backends
from moto.cognitoidp.models import cognitoidp_backends
from moto.core.common_models import CloudFormationModel

from .base import Provider


def _idp(account_id: str, region: str) -> Any:
    return cognitoidp_backends[account_id][region]


class UserPoolGroup(Provider, CloudFormationModel):
    TYPE = "AWS::Cognito::UserPoolGroup"

    @classmethod
    def build(cls, name: str, props: dict[str, Any], logical_id: str, account_id: str,
              region: str) -> "UserPoolGroup":
        group = _idp(account_id, region).create_group(
            props["UserPoolId"], props.get("GroupName") or name, props.get("Description"),
            props.get("RoleArn"), props.get("Precedence"))
        return cls(group.group_name, {}, props, account_id, region, logical_id)

    def remove(self) -> None:
        pool = _idp(self.account_id, self.region).user_pools.get(self.props["UserPoolId"])
        if pool is not None:
            pool.groups.pop(self.physical_id, None)


class UserPoolDomain(Provider, CloudFormationModel):
    TYPE = "AWS::Cognito::UserPoolDomain"
    ATTRS = ("CloudFrontDistribution",)

    @classmethod
    def create(cls, props: dict[str, Any], logical_id: str, account_id: str,
               region: str) -> "UserPoolDomain":
        domain = _idp(account_id, region).create_user_pool_domain(
            props["UserPoolId"], props["Domain"], props.get("CustomDomainConfig"))
        attrs = {"CloudFrontDistribution": domain._distribution_name()}
        return cls(domain.domain, attrs, props, account_id, region, logical_id)

    def remove(self) -> None:
        if self.physical_id in _idp(self.account_id, self.region).user_pool_domains:
            _idp(self.account_id, self.region).delete_user_pool_domain(self.physical_id)


class IdentityPool(Provider, CloudFormationModel):
    TYPE = "AWS::Cognito::IdentityPool"
    ATTRS = ("Id", "Name")

    @classmethod
    def build(cls, name: str, props: dict[str, Any], logical_id: str, account_id: str,
              region: str) -> "IdentityPool":
        pool_name = props.get("IdentityPoolName") or name.replace("-", "_")
        answer = json.loads(cognitoidentity_backends[account_id][region].create_identity_pool(
            identity_pool_name=pool_name,
            allow_unauthenticated_identities=bool(props.get("AllowUnauthenticatedIdentities")),
            supported_login_providers=props.get("SupportedLoginProviders") or {},
            developer_provider_name=props.get("DeveloperProviderName", ""),
            open_id_connect_provider_arns=props.get("OpenIdConnectProviderARNs") or [],
            cognito_identity_providers=props.get("CognitoIdentityProviders") or [],
            saml_provider_arns=props.get("SamlProviderARNs") or [], tags={}))
        pool_id = answer["IdentityPoolId"]
        return cls(pool_id, {"Id": pool_id, "Name": pool_name}, props, account_id, region,
                   logical_id)

    def remove(self) -> None:
        backend = cognitoidentity_backends[self.account_id][self.region]
        if self.physical_id in backend.identity_pools:
            backend.delete_identity_pool(self.physical_id)
