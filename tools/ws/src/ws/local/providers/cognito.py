"""AWS::Cognito::UserPool and AWS::Cognito::UserPoolClient in moto's cognito-idp backend."""
from __future__ import annotations

from typing import Any

from moto.cognitoidp.models import cognitoidp_backends
from moto.core.common_models import CloudFormationModel

from .base import Provider


def _pool_config(props: dict[str, Any]) -> dict[str, Any]:
    """CreateUserPool's settings: CloudFormation uses the API's names, except for the name."""
    return {k: v for k, v in props.items() if k != "UserPoolName"}


class UserPool(Provider, CloudFormationModel):
    TYPE = "AWS::Cognito::UserPool"
    ATTRS = ("Arn", "ProviderName", "ProviderURL", "UserPoolId")

    @classmethod
    def create(cls, props: dict[str, Any], logical_id: str, account_id: str,
               region: str) -> "UserPool":
        backend = cognitoidp_backends[account_id][region]
        pool = backend.create_user_pool(props.get("UserPoolName") or logical_id,
                                        _pool_config(props))
        provider = f"cognito-idp.{region}.amazonaws.com/{pool.id}"
        attrs = {"Arn": pool.arn, "UserPoolId": pool.id, "ProviderName": provider,
                 "ProviderURL": f"https://{provider}"}
        return cls(pool.id, attrs, props, account_id, region, logical_id)

    def update(self, props: dict[str, Any]) -> "UserPool":
        backend = cognitoidp_backends[self.account_id][self.region]
        backend.update_user_pool(self.physical_id, _pool_config(props))
        pool = backend.user_pools[self.physical_id]
        pool.name = props.get("UserPoolName") or self.logical_id  # the API cannot rename
        self.props = props
        return self

    def remove(self) -> None:
        backend = cognitoidp_backends[self.account_id][self.region]
        if self.physical_id in backend.user_pools:
            backend.delete_user_pool(self.physical_id)


def _client_config(props: dict[str, Any], logical_id: str) -> dict[str, Any]:
    config = {k: v for k, v in props.items() if k not in ("UserPoolId", "GenerateSecret")}
    config.setdefault("ClientName", logical_id)
    return config


class UserPoolClient(Provider, CloudFormationModel):
    TYPE = "AWS::Cognito::UserPoolClient"
    ATTRS = ("ClientId", "Name", "ClientSecret")

    @classmethod
    def create(cls, props: dict[str, Any], logical_id: str, account_id: str,
               region: str) -> "UserPoolClient":
        backend = cognitoidp_backends[account_id][region]
        config = _client_config(props, logical_id)
        client = backend.create_user_pool_client(props["UserPoolId"],
                                                 bool(props.get("GenerateSecret")), config)
        attrs = {"ClientId": client.id, "Name": config["ClientName"],
                 "ClientSecret": client.secret}
        return cls(client.id, attrs, props, account_id, region, logical_id)

    def update(self, props: dict[str, Any]) -> "UserPoolClient":
        """In place, as AWS does, unless the pool or GenerateSecret changes (a new client)."""
        if any(props.get(k) != self.props.get(k) for k in ("UserPoolId", "GenerateSecret")):
            return super().update(props)
        backend = cognitoidp_backends[self.account_id][self.region]
        client = backend.user_pools[props["UserPoolId"]].clients[self.physical_id]
        # moto's update_user_pool_client merges; CloudFormation resets what the template drops.
        fresh = type(client)(props["UserPoolId"], client.generate_secret,
                             _client_config(props, self.logical_id))
        client.extended_config = fresh.extended_config
        self.attrs["Name"] = fresh.extended_config["ClientName"]
        self.props = props
        return self

    def remove(self) -> None:
        backend = cognitoidp_backends[self.account_id][self.region]
        pool = backend.user_pools.get(self.props["UserPoolId"])
        if pool is not None and self.physical_id in pool.clients:
            backend.delete_user_pool_client(self.props["UserPoolId"], self.physical_id)
