"""AWS::CloudFormation::CustomResource: moto knows only the ``Custom::X`` spelling of the same
thing; this is moto's CustomModel under the other type name (ws.local.lambdas runs it)."""
from __future__ import annotations

from moto.cloudformation.custom_model import CustomModel
from moto.core.common_models import CloudFormationModel


class CustomResource(CustomModel, CloudFormationModel):
    """Listed with CloudFormationModel as a direct base: moto finds types through
    CloudFormationModel.__subclasses__(), which lists direct subclasses only."""

    TYPE = "AWS::CloudFormation::CustomResource"

    @staticmethod
    def cloudformation_type() -> str:
        return CustomResource.TYPE
