"""AWS::StepFunctions::StateMachine as CloudFormation makes it: moto's model given what moto
skipped: `StateMachineType` (every machine was STANDARD), a `Definition` written as an object
(the machine had none) and `DefinitionSubstitutions` (`${Name}` placeholders were kept)."""
from __future__ import annotations

import json
from typing import Any

from moto.core.common_models import CloudFormationModel
from moto.stepfunctions.models import StateMachine as MotoStateMachine

from .patched import Patched


class StateMachine(Patched, CloudFormationModel):
    TYPE = "AWS::StepFunctions::StateMachine"
    MODEL = MotoStateMachine
    EXTRA = {"Arn": lambda m: m.arn,
             "StateMachineRevisionId": lambda m: getattr(m, "revision_id", None) or m.arn}

    @classmethod
    def adjusted(cls, props: dict[str, Any], account_id: str, region: str) -> dict[str, Any]:
        text = definition_text(props)
        return dict(props) if text is None else {**props, "DefinitionString": text}

    @classmethod
    def _wrap(cls, inner: Any, cloudformation_json: dict, account_id: str, region: str,
              logical_id: str) -> Patched:
        props = cloudformation_json.get("Properties") or {}
        inner.type = str(props.get("StateMachineType") or "STANDARD").upper()
        return super()._wrap(inner, cloudformation_json, account_id, region, logical_id)


def definition_text(props: dict[str, Any]) -> str | None:
    """The definition as moto's DefinitionString, placeholders replaced (None: as written)."""
    definition = props.get("Definition")
    text = props.get("DefinitionString")
    if isinstance(definition, (dict, list)):
        text = json.dumps(definition)
    elif isinstance(definition, str) and text is None:
        text = definition
    substitutions = props.get("DefinitionSubstitutions")
    if not isinstance(text, str) or (not substitutions and definition is None):
        return None
    for name, value in (substitutions or {}).items():
        text = text.replace("${" + str(name) + "}", _as_text(value))
    return text


def _as_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return value if isinstance(value, str) else json.dumps(value)
