"""Mask NoEcho parameters in DescribeStacks, as CloudFormation does.

moto 5 compares each parameter's *value* with the NoEcho parameter *names*, so it returns
secrets in clear text; this compares the names.
"""
from __future__ import annotations

from typing import Any

from moto.cloudformation.models import Stack

MASK = "****"


def _parameter_list(self: Stack) -> list[dict[str, Any]]:
    hidden = set(self.resource_map.no_echo_parameter_keys)
    return [{"ParameterKey": key, "ParameterValue": MASK if key in hidden else value}
            for key, value in self.resource_map.resolved_parameters.items()]


def register() -> None:
    Stack.parameter_list = property(_parameter_list)  # type: ignore[method-assign]
