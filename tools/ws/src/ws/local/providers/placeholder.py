"""Placeholders: a resource of a type the endpoint cannot run, created as a record only.

moto skips a type it has no model for (its `Ref` is '' and its `GetAtt` a server error). ws
gives every such `AWS::` type a placeholder instead: nothing runs, but its `Ref` and `GetAtt`
have the shapes AWS gives them (providers/shapes.py), so the resources that use it deploy.
The deploy names the placeholders of each stack; `placeholders: error` refuses them.
"""
from __future__ import annotations

import re
import uuid
from typing import Any

from moto.cloudformation import parsing

from ..templatefixes import is_placeholder_type
from .apiids import api_id
from .base import Provider
from .naming import arn, random_id
from .shapes import SERVICES, SHAPES


class Placeholder(Provider):
    """Not a CloudFormationModel: moto's type map (the types the endpoint *creates*) stays
    free of it; moto reaches it through `install`'s lookup."""

    ATTRS = ()

    @classmethod
    def create_from_cloudformation_json(cls, resource_name: str, cloudformation_json: dict,
                                        account_id: str, region_name: str,
                                        **kwargs: Any) -> "Placeholder":
        props = cloudformation_json.get("Properties") or {}
        kind = kwargs.get("ResourceType") or cloudformation_json.get("Type", "")
        logical_id = kwargs.get("LogicalId", resource_name)
        name = _own_name(kind, props) or resource_name
        service = SERVICES.get(kind.split("::")[1], kind.split("::")[1].lower())
        values = {k: v for k, v in props.items() if isinstance(v, str)}
        values.update(name=name, id=random_id(), id6=random_id(6), id16=random_id(16),
                      uuid=str(uuid.uuid4()),
                      region=region_name, account=account_id,
                      arn=arn(service, region_name, account_id, ""))
        shape = SHAPES.get(kind, {})
        attrs = {key: _fill(template, values) for key, template in shape.items()}
        made = cls(name, attrs, props, account_id, region_name, logical_id)
        made.kind, made.service, made.values = kind, service, values
        made.physical_id = _ref(shape.get("Ref", "name"), values, attrs)
        return made

    @classmethod
    def has_cfn_attr(cls, attr: str) -> bool:
        return True  # which attributes a type has is cfn-lint's check (E1010), before deploy

    def get_cfn_attribute(self, name: str) -> Any:
        if name not in self.attrs:
            self.attrs[name] = generic_attribute(name, self.kind, self.service, self.values)
        return self.attrs[name]

    def update(self, props: dict[str, Any]) -> "Placeholder":
        self.props = props
        return self

    def remove(self) -> None:
        """Nothing was made."""


def generic_attribute(name: str, kind: str, service: str, values: dict[str, str]) -> str:
    """An attribute no shape lists, shaped by its name: ...Arn an ARN, ...Url an https URL,
    ...Endpoint/...DomainName/...Address a host name, ...Name the name, anything else an id
    (shaped as the service's API wants it: providers/apiids.py)."""
    resource = re.sub(r"(?<!^)(?=[A-Z])", "-", kind.split("::")[-1]).lower()
    host = f"{values['id']}.{service}.{values['region']}.amazonaws.com"
    if name.endswith("Arn"):
        return f"{values['arn']}{resource}/{values['name']}"
    if name.endswith(("Url", "URL", "Uri")):
        return f"https://{host}"
    if name.endswith(("Endpoint", "DomainName", "Dns", "Address", "Host")):
        return host
    if name.endswith("Name"):
        return values["name"]
    return (api_id(kind, name, service) if name.endswith("Id") else None) or values["id"]


def install() -> None:
    """Route moto's lookup of a type it lacks to Placeholder (idempotent)."""
    if getattr(parsing.resource_class_from_type, "ws_placeholders", False):
        return
    original = parsing.resource_class_from_type

    def resource_class_from_type(resource_type: str) -> Any:
        found = original(resource_type)
        if found is None and resource_type not in parsing.NULL_MODELS and \
                is_placeholder_type(resource_type, parsing.get_model_map()):
            return Placeholder
        return found
    resource_class_from_type.ws_placeholders = True  # type: ignore[attr-defined]
    parsing.resource_class_from_type = resource_class_from_type


def _own_name(kind: str, props: dict[str, Any]) -> str | None:
    """The name the template gives: `Name`, or `<Resource>Name` (BrokerName, DomainName...)."""
    for key in ("Name", kind.split("::")[-1] + "Name"):
        if isinstance(props.get(key), str):
            return props[key]
    return None


def _ref(source: str, values: dict[str, str], attrs: dict[str, str]) -> str:
    """What Ref gives: the name, a generated id, one of the attributes, or a template."""
    if "{" in source:
        return _fill(source, values)
    return values[source] if source in ("name", "id") else attrs[source]


def _fill(template: str, values: dict[str, str]) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: values.get(m.group(1), m.group(0)), template)
