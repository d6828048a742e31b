"""The values a hotswap sends: a template's property values with their intrinsic functions
evaluated from what is deployed (parameters, physical ids, pseudo parameters)."""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

_SUB = re.compile(r"\$\{([^}!][^}]*)\}")


class Unresolvable(Exception):
    """A value ws cannot evaluate without CloudFormation (then CloudFormation deploys)."""


@dataclass(frozen=True)
class Context:
    """What a template's references evaluate to in the deployed stack."""

    parameters: dict[str, str]
    physical: dict[str, str]  # logical id -> physical id
    types: dict[str, str] = field(default_factory=dict)  # logical id -> resource type
    pseudo: dict[str, str] = field(default_factory=dict)  # AWS::Region, AWS::AccountId...

    def ref(self, name: str) -> str:
        for known in (self.pseudo, self.parameters, self.physical):
            if name in known:
                return known[name]
        raise Unresolvable(f"Ref {name}")

    def attribute(self, logical: str, attr: str) -> str:
        """The few attributes that follow from a physical id alone (ARNs of functions)."""
        kind, physical = self.types.get(logical), self.physical.get(logical)
        if physical and kind in ("AWS::Lambda::Function", "AWS::Serverless::Function") \
                and attr == "Arn":
            return (f"arn:{self.pseudo.get('AWS::Partition', 'aws')}:lambda:"
                    f"{self.pseudo['AWS::Region']}:{self.pseudo['AWS::AccountId']}:"
                    f"function:{physical}")
        if physical and kind == "AWS::StepFunctions::StateMachine" and attr == "Arn":
            return physical
        raise Unresolvable(f"Fn::GetAtt {logical}.{attr}")


def evaluate(value: Any, ctx: Context) -> Any:
    """`value` with Ref, Fn::Sub, Fn::Join, Fn::Select, Fn::Split and a few Fn::GetAtt
    evaluated; anything else raises Unresolvable."""
    if isinstance(value, list):
        return [evaluate(v, ctx) for v in value]
    if not isinstance(value, dict):
        return value
    if len(value) == 1:
        (key, arg), = value.items()
        if key == "Ref":
            return ctx.ref(arg)
        if key == "Fn::GetAtt":
            logical, attr = arg.split(".", 1) if isinstance(arg, str) else arg
            return ctx.attribute(logical, attr)
        if key == "Fn::Sub":
            return _sub(arg, ctx)
        if key == "Fn::Join":
            return str(arg[0]).join(str(v) for v in evaluate(arg[1], ctx))
        if key == "Fn::Select":
            return evaluate(arg[1], ctx)[int(evaluate(arg[0], ctx))]
        if key == "Fn::Split":
            return str(evaluate(arg[1], ctx)).split(arg[0])
        if key.startswith("Fn::") or key == "Condition":
            raise Unresolvable(key)
    return {k: evaluate(v, ctx) for k, v in value.items()}


def _sub(arg: Any, ctx: Context) -> str:
    text, names = (arg, {}) if isinstance(arg, str) else (arg[0], arg[1])
    local = {k: str(evaluate(v, ctx)) for k, v in names.items()}

    def one(match: re.Match) -> str:
        name = match.group(1)
        if name in local:
            return local[name]
        if "." in name:
            return str(ctx.attribute(*name.split(".", 1)))
        return str(ctx.ref(name))
    return _SUB.sub(one, text).replace("${!", "${")


def as_text(value: Any) -> str:
    """A definition as the API takes it: text stays text, data becomes JSON."""
    return value if isinstance(value, str) else json.dumps(value, separators=(",", ":"))
