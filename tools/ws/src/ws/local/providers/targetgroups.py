"""ELBv2 target groups with the targets the template lists (`Targets`), which moto's model
ignored: an IP, instance, Lambda or ALB target is registered, as AWS registers it, so the
local gateway can follow a load balancer to what answers (ws.local.apigw.balancers)."""
from __future__ import annotations

from typing import Any

from moto.core.common_models import CloudFormationModel
from moto.elbv2.models import FakeTargetGroup

from .patched import Patched


def _targets(props: dict[str, Any]) -> list[dict[str, Any]]:
    return [{"Id": t["Id"], **({"Port": int(t["Port"])} if t.get("Port") else {})}
            for t in props.get("Targets") or [] if isinstance(t, dict) and t.get("Id")]


class TargetGroup(Patched, CloudFormationModel):
    TYPE = "AWS::ElasticLoadBalancingV2::TargetGroup"
    MODEL = FakeTargetGroup
    EXTRA = {"TargetGroupArn": lambda g: g.arn, "TargetGroupName": lambda g: g.name,
             "TargetGroupFullName": lambda g: g.arn.split(":", 5)[5],
             "LoadBalancerArns": lambda g: list(g.load_balancer_arns)}

    @classmethod
    def create_from_cloudformation_json(cls, resource_name: str, cloudformation_json: dict,
                                        account_id: str, region_name: str,
                                        **kwargs: Any) -> Patched:
        made = super().create_from_cloudformation_json(resource_name, cloudformation_json,
                                                        account_id, region_name, **kwargs)
        made.inner.register(_targets(cloudformation_json.get("Properties") or {}))
        return made

    @classmethod
    def update_from_cloudformation_json(cls, original_resource: Patched,  # type: ignore[override]
                                        new_resource_name: str, cloudformation_json: dict,
                                        account_id: str, region_name: str) -> Patched:
        """moto has no update: the targets change in place, anything else replaces it."""
        props = cloudformation_json.get("Properties") or {}
        old = {k: v for k, v in original_resource.json.get("Properties", {}).items()
               if k != "Targets"}
        if old != {k: v for k, v in props.items() if k != "Targets"}:
            original_resource.delete(account_id, region_name)
            return cls.create_from_cloudformation_json(
                new_resource_name, cloudformation_json, account_id, region_name,
                LogicalId=original_resource.logical_id)
        group = original_resource.inner
        group.targets.clear()
        group.register(_targets(props))
        return cls._wrap(group, cloudformation_json, account_id, region_name,
                         original_resource.logical_id)
