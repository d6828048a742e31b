"""ECS services that keep the load balancers and Cloud Map registries the template gives them
(moto's model dropped both), so the local gateway can name the service behind a target group
when a request reaches it: no container runs locally (ws.local.apigw.balancers). Deleted with
its stack, as CloudFormation deletes it (moto's model was left ACTIVE)."""
from __future__ import annotations

from typing import Any

from moto.core.common_models import CloudFormationModel
from moto.ecs.models import Service as MotoService
from moto.ecs.models import ecs_backends

from .patched import Patched


def _camel(entries: Any) -> list[dict[str, Any]]:
    """`[{TargetGroupArn: ...}]` as the ECS API spells it (`targetGroupArn`)."""
    return [{k[0].lower() + k[1:]: v for k, v in e.items()}
            for e in entries or [] if isinstance(e, dict)]


class Service(Patched, CloudFormationModel):
    TYPE = "AWS::ECS::Service"
    MODEL = MotoService

    @classmethod
    def _wrap(cls, inner: Any, cloudformation_json: dict, account_id: str, region: str,
              logical_id: str) -> Patched:
        props = cloudformation_json.get("Properties") or {}
        inner.load_balancers = _camel(props.get("LoadBalancers"))
        inner.service_registries = _camel(props.get("ServiceRegistries"))
        return super()._wrap(inner, cloudformation_json, account_id, region, logical_id)

    def delete(self, account_id: str, region_name: str) -> None:
        """Scaled in and marked INACTIVE, as ECS deletes a service."""
        service = self.inner
        ecs_backends[account_id][region_name].delete_service(service.cluster_name, service.name,
                                                             True)
