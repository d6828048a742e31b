"""`Ref` for moto's models that have no physical_resource_id: moto then hands the object itself
to Ref, and an output or a property reads `<moto.efs.models.AccessPoint object at 0x...>`.

Each gets the value AWS's `Ref` returns (the name or id, per the type's "Return values"); a type
not listed here but also lacking one gets a stable generated id, so Ref is never object text.
"""
from __future__ import annotations

from typing import Any

from moto.cloudformation import parsing
from moto.cloudformation.exceptions import UnformattedGetAttTemplateException

from .naming import random_id

REF_ATTRIBUTE = {
    "AWS::EFS::AccessPoint": "access_point_id",
    "AWS::AutoScaling::ScheduledAction": "scheduled_action_name",
    "AWS::IoT::BillingGroup": "billing_group_name",
    "AWS::IoT::JobTemplate": "job_template_id",
    "AWS::IoT::Policy": "name",
    "AWS::IoT::RoleAlias": "role_alias",
    "AWS::IoT::Thing": "thing_name",
    "AWS::IoT::ThingType": "thing_type_name",
    "AWS::RDS::DBParameterGroup": "name",
    "AWS::RDS::DBSecurityGroup": "group_name",
    "AWS::RDS::DBSubnetGroup": "subnet_name",
    "AWS::Redshift::Cluster": "cluster_identifier",
    "AWS::Redshift::ClusterParameterGroup": "cluster_parameter_group_name",
    "AWS::Redshift::ClusterSubnetGroup": "cluster_subnet_group_name",
}


def install() -> None:
    """Give every model moto knows a physical_resource_id (idempotent): the ones in its type
    map and the ones ws's providers wrap (providers/patched.py).

    A model without get_cfn_attribute answers every GetAtt with an AttributeError that moto
    swallows while it reads outputs: the stack then shows *no* outputs at all. Such a model is
    made to refuse the attribute instead (a ValidationError naming resource and attribute)."""
    for model in parsing.get_model_list():
        if not hasattr(model, "physical_resource_id"):
            kind = model.cloudformation_type()
            model.physical_resource_id = property(_ref_of(REF_ATTRIBUTE.get(kind)))
        if not hasattr(model, "get_cfn_attribute"):
            model.get_cfn_attribute = _no_attribute
            model.has_cfn_attr = classmethod(lambda cls, attr: False)


def _ref_of(attribute: str | None) -> Any:
    def physical_resource_id(self: Any) -> str:
        value = getattr(self, attribute, None) if attribute else None
        if not isinstance(value, str) or not value:
            value = self.__dict__.setdefault("_ws_ref", random_id(12))
        return value
    return physical_resource_id


def _no_attribute(self: Any, name: str) -> Any:
    raise UnformattedGetAttTemplateException()
