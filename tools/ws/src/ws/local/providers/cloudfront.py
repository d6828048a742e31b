"""AWS::CloudFront::Distribution and ::OriginAccessControl in moto's CloudFront backend."""
from __future__ import annotations

import copy
import uuid
from typing import Any

from moto.cloudfront.models import cloudfront_backends
from moto.core.common_models import CloudFormationModel
from moto.utilities.utils import get_partition

from .base import Provider

# CloudFormation writes these as plain lists; the CloudFront API as {Quantity, Items}.
_LISTS = {"Origins", "Aliases", "CacheBehaviors", "CustomErrorResponses", "OriginSslProtocols",
          "Items", "AllowedMethods", "CachedMethods"}


def _api_shape(value: Any, key: str = "") -> Any:
    if isinstance(value, dict):
        return {k: _api_shape(v, k) for k, v in value.items()}
    if isinstance(value, list):
        items = [_api_shape(v) for v in value]
        return {"Quantity": len(items), "Items": items} if key in _LISTS else items
    return value


def _behaviour(cfn: dict[str, Any]) -> dict[str, Any]:
    """moto nests CachedMethods inside AllowedMethods, as the API's XML does."""
    result = _api_shape({k: v for k, v in cfn.items() if k != "CachedMethods"})
    if "AllowedMethods" in cfn:
        result["AllowedMethods"]["CachedMethods"] = _api_shape(cfn.get("CachedMethods",
                                                                       ["GET", "HEAD"]),
                                                               "CachedMethods")
    return result


def distribution_config(props: dict[str, Any], reference: str) -> dict[str, Any]:
    cfn = copy.deepcopy(props["DistributionConfig"])
    for origin in cfn.get("Origins", []):
        if "S3OriginConfig" in origin:
            origin["S3OriginConfig"].setdefault("OriginAccessIdentity", "")
    config = _api_shape({k: v for k, v in cfn.items()
                         if k not in ("DefaultCacheBehavior", "CacheBehaviors")})
    config["DefaultCacheBehavior"] = _behaviour(cfn.get("DefaultCacheBehavior", {}))
    if cfn.get("CacheBehaviors"):
        config["CacheBehaviors"] = {"Quantity": len(cfn["CacheBehaviors"]),
                                    "Items": [_behaviour(b) for b in cfn["CacheBehaviors"]]}
    config["CallerReference"] = reference
    config.setdefault("Comment", "")
    return config


def _keep_access_controls(dist: Any, props: dict[str, Any]) -> None:
    """moto's Origin drops OriginAccessControlId (cloudfront/models.py, class Origin); its
    serializer reads snake_case attributes, so setting one makes the API return it."""
    wanted = {o["Id"]: o.get("OriginAccessControlId", "")
              for o in props["DistributionConfig"].get("Origins", [])}
    for origin in dist.distribution_config.Origins["Items"]:
        origin.origin_access_control_id = wanted.get(origin.id, "")


class Distribution(Provider, CloudFormationModel):
    TYPE = "AWS::CloudFront::Distribution"
    ATTRS = ("DomainName", "Id")

    @classmethod
    def create(cls, props: dict[str, Any], logical_id: str, account_id: str,
               region: str) -> "Distribution":
        backend = _backend(account_id, region)
        config = distribution_config(props, f"{logical_id}-{uuid.uuid4()}")
        tags = [{"Key": t["Key"], "Value": t["Value"]} for t in props.get("Tags", [])]
        dist, _, _ = backend.create_distribution(config, tags)
        _keep_access_controls(dist, props)
        attrs = {"DomainName": dist.domain_name, "Id": dist.distribution_id}
        return cls(dist.distribution_id, attrs, props, account_id, region, logical_id)

    def update(self, props: dict[str, Any]) -> "Distribution":
        backend = _backend(self.account_id, self.region)
        current = backend.distributions[self.physical_id].distribution_config.caller_reference
        dist, _, _ = backend.update_distribution(distribution_config(props, current),
                                                 self.physical_id, True)
        _keep_access_controls(dist, props)
        self.props = props
        return self

    def remove(self) -> None:
        backend = _backend(self.account_id, self.region)
        if self.physical_id in backend.distributions:
            backend.delete_distribution(self.physical_id, True)


class OriginAccessControl(Provider, CloudFormationModel):
    TYPE = "AWS::CloudFront::OriginAccessControl"
    ATTRS = ("Id",)

    @classmethod
    def create(cls, props: dict[str, Any], logical_id: str, account_id: str,
               region: str) -> "OriginAccessControl":
        backend = _backend(account_id, region)
        control = backend.create_origin_access_control(props["OriginAccessControlConfig"])
        return cls(control.id, {"Id": control.id}, props, account_id, region, logical_id)

    def update(self, props: dict[str, Any]) -> "OriginAccessControl":
        backend = _backend(self.account_id, self.region)
        backend.update_origin_access_control(self.physical_id, props["OriginAccessControlConfig"])
        self.props = props
        return self

    def remove(self) -> None:
        backend = _backend(self.account_id, self.region)
        backend.origin_access_controls.pop(self.physical_id, None)


def _backend(account_id: str, region: str) -> Any:
    return cloudfront_backends[account_id][get_partition(region)]
