"""The shape every ws resource provider shares, as a mixin.

moto finds resource types through CloudFormationModel.__subclasses__(), which lists only
*direct* subclasses: so each provider is `class X(Provider, CloudFormationModel)`, never a
subclass of another provider.
"""
from __future__ import annotations

from typing import Any

from moto.cloudformation.exceptions import UnformattedGetAttTemplateException


class Provider:
    """A resource created in moto's own backend; subclasses set TYPE and ATTRS."""

    TYPE = ""
    ATTRS: tuple[str, ...] = ()

    def __init__(self, physical_id: str, attrs: dict[str, Any], props: dict[str, Any],
                 account_id: str, region: str, logical_id: str = "") -> None:
        self.physical_id = physical_id
        self.logical_id = logical_id
        self.attrs = attrs
        self.props = props
        self.account_id = account_id
        self.region = region

    @property
    def physical_resource_id(self) -> str:
        return self.physical_id

    @classmethod
    def cloudformation_type(cls) -> str:
        return cls.TYPE

    @staticmethod
    def cloudformation_name_type() -> str:
        return ""

    @classmethod
    def has_cfn_attr(cls, attr: str) -> bool:
        return attr in cls.ATTRS

    def get_cfn_attribute(self, name: str) -> Any:
        if name not in self.attrs:
            raise UnformattedGetAttTemplateException()
        return self.attrs[name]

    def is_created(self) -> bool:
        return True

    @classmethod
    def create_from_cloudformation_json(cls, resource_name: str, cloudformation_json: dict,
                                        account_id: str, region_name: str,
                                        **kwargs: Any) -> "Provider":
        props = cloudformation_json.get("Properties") or {}
        logical_id = kwargs.get("LogicalId", resource_name)
        return cls.build(resource_name, props, logical_id, account_id, region_name)

    @classmethod
    def update_from_cloudformation_json(cls, original_resource: "Provider",
                                        new_resource_name: str, cloudformation_json: dict,
                                        account_id: str, region_name: str) -> "Provider":
        props = cloudformation_json.get("Properties") or {}
        return original_resource.update(props)

    @classmethod
    def delete_from_cloudformation_json(cls, resource_name: str, cloudformation_json: dict,
                                        account_id: str, region_name: str) -> None:
        """Unused: moto calls delete() on the created object first."""

    def delete(self, account_id: str, region_name: str) -> None:
        self.remove()

    @classmethod
    def build(cls, name: str, props: dict[str, Any], logical_id: str, account_id: str,
              region: str) -> "Provider":
        """Create from the name CloudFormation generated (`<stack>-<logical>-<SUFFIX>`);
        a provider that names what it makes overrides this, the others `create`."""
        return cls.create(props, logical_id, account_id, region)

    @classmethod
    def create(cls, props: dict[str, Any], logical_id: str, account_id: str,
               region: str) -> "Provider":
        raise NotImplementedError

    def update(self, props: dict[str, Any]) -> "Provider":
        """Default: replace (delete, then create with the new properties)."""
        self.remove()
        return type(self).create(props, self.logical_id, self.account_id, self.region)

    def remove(self) -> None:
        raise NotImplementedError
