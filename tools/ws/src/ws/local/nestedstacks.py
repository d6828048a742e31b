"""Nested stacks (AWS::CloudFormation::Stack) on the endpoint as on AWS: `Fn::GetAtt
Nested.Outputs.Name` gives the nested stack's output (moto has no such attribute, and the
parent's outputs all vanished), and a changed nested stack is updated in place (moto deleted
it and made a new one, its data lost)."""
from __future__ import annotations

from typing import Any

from moto.cloudformation.exceptions import ValidationError
from moto.cloudformation.models import Stack, cloudformation_backends
from moto.cloudformation.utils import get_stack_from_s3_url
from moto.utilities.utils import get_partition


def _get_cfn_attribute(self: Stack, name: str) -> Any:
    key = name.split(".", 1)[1] if name.startswith("Outputs.") else None
    output = self.output_map[key] if key in self.output_map.outputs else None
    if output is None:
        raise ValidationError(self.stack_id, message=f"Stack {self.name} has no {name}")
    return output.value


def _update(cls: type, original_resource: Stack, new_resource_name: str,
            cloudformation_json: dict[str, Any], account_id: str, region_name: str) -> Stack:
    props = cloudformation_json["Properties"]
    template = get_stack_from_s3_url(props["TemplateURL"], account_id=account_id,
                                     partition=get_partition(region_name))
    parameters = [{"ParameterKey": k, "ParameterValue": v}
                  for k, v in (props.get("Parameters") or {}).items()]
    backend = cloudformation_backends[account_id][region_name]
    return backend.update_stack(original_resource.name, template, None, parameters, None)


def register() -> None:
    Stack.get_cfn_attribute = _get_cfn_attribute  # type: ignore[method-assign]
    # (said too, in case the providers' check of attributes was installed first)
    Stack.has_cfn_attr = classmethod(lambda cls, attr: attr.startswith("Outputs."))  # type: ignore[assignment]
    Stack.update_from_cloudformation_json = classmethod(_update)  # type: ignore[assignment]
