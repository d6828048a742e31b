"""Which differences between the template deployed (or last hotswapped) and the one ws would
send the service APIs can apply: pure, on the two templates."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ws.cloud.livestate import RECORD_OUTPUT

# Per resource type, the properties a hotswap may change (the rest force CloudFormation).
SWAPPABLE: dict[str, frozenset[str]] = {
    "AWS::Lambda::Function": frozenset({"Code", "Environment", "Description", "Timeout",
                                        "MemorySize"}),
    "AWS::Serverless::Function": frozenset({"CodeUri", "Environment", "Description",
                                            "Timeout", "MemorySize"}),
    "AWS::StepFunctions::StateMachine": frozenset({"Definition", "DefinitionString",
                                                   "DefinitionSubstitutions"}),
    # a new version of the layer, then the functions that use it (their Layers)
    "AWS::Lambda::LayerVersion": frozenset({"Content", "Description"}),
}
LAYER = "AWS::Lambda::LayerVersion"
# SAM functions whose alias CloudFormation moves to a new version: hotswapping $LATEST would
# leave the alias (what callers use) on the old code.
_VERSIONED = {"AutoPublishAlias", "DeploymentPreference"}
FUNCTION_TYPES = ("AWS::Lambda::Function", "AWS::Serverless::Function")


@dataclass(frozen=True)
class Swap:
    """One resource's properties to set through its service's API (the new values)."""

    logical_id: str
    resource_type: str
    changed: dict[str, Any] = field(default_factory=dict)  # property -> new value (None: unset)
    properties: dict[str, Any] = field(default_factory=dict)  # all of the new properties

    def __str__(self) -> str:
        return f"{', '.join(sorted(self.changed))} of {self.logical_id}"


@dataclass(frozen=True)
class SwapPlan:
    swaps: tuple[Swap, ...] = ()
    blocker: str = ""  # non-empty: the difference that forces CloudFormation

    @property
    def possible(self) -> bool:
        return not self.blocker


def swap_plan(old: dict[str, Any], new: dict[str, Any]) -> SwapPlan:
    """The swaps that take `old` to `new`, or the first difference no hotswap can make."""
    for key in sorted(set(old) | set(new)):
        if key in ("Resources", "Outputs"):
            continue
        if old.get(key) != new.get(key):
            return SwapPlan(blocker=f"{key} changed")
    if _outputs(old) != _outputs(new):
        return SwapPlan(blocker="outputs changed")
    olds, news = old.get("Resources") or {}, new.get("Resources") or {}
    for logical in sorted(set(olds) ^ set(news)):
        verb = "added" if logical in news else "removed"
        return SwapPlan(blocker=f"resource {logical} {verb}")
    swaps = []
    published = (((new.get("Globals") or {}).get("Function") or {}).keys() & _VERSIONED)
    for logical in sorted(news):
        found = _resource(logical, olds[logical], news[logical])
        if isinstance(found, str):
            return SwapPlan(blocker=found)
        if found is not None and found.resource_type == "AWS::Serverless::Function" and (
                published or found.properties.keys() & _VERSIONED):
            return SwapPlan(blocker=f"{logical} publishes versions (an alias would keep "
                                    "the old code)")
        if found is not None:
            swaps.append(found)
    return SwapPlan(_with_layer_users(tuple(swaps), news))


def _with_layer_users(swaps: tuple[Swap, ...], resources: dict[str, Any]) -> tuple[Swap, ...]:
    """A new layer version changes the functions that name it (`Layers: [!Ref L]`): their
    Layers are set again, after the layers and before the functions' other swaps."""
    layers = {s.logical_id for s in swaps if s.resource_type == LAYER}
    if not layers:
        return swaps
    found = {s.logical_id: s for s in swaps}
    for logical, resource in sorted(resources.items()):
        props = resource.get("Properties") or {}
        if resource.get("Type") in FUNCTION_TYPES and any(
                isinstance(item, dict) and item.get("Ref") in layers
                for item in props.get("Layers") or []):
            before = found.get(logical)
            changed = {**(before.changed if before else {}), "Layers": props["Layers"]}
            found[logical] = Swap(logical, resource["Type"], changed, dict(props))
    return tuple(sorted(found.values(), key=lambda s: (s.resource_type != LAYER, s.logical_id)))


def _outputs(body: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in (body.get("Outputs") or {}).items() if k != RECORD_OUTPUT}


def _resource(logical: str, old: dict[str, Any], new: dict[str, Any]) -> Swap | str | None:
    """The swap of one resource, None when unchanged, or why it cannot be swapped."""
    if old == new:
        return None
    kind = new.get("Type", "")
    if old.get("Type") != kind:
        return f"resource {logical} changed type"
    for key in sorted((set(old) | set(new)) - {"Properties"}):
        if old.get(key) != new.get(key):
            return f"{key} of {logical} changed"
    before, after = old.get("Properties") or {}, new.get("Properties") or {}
    changed = {k: after.get(k) for k in sorted(set(before) | set(after))
               if before.get(k) != after.get(k)}
    blocked = sorted(set(changed) - SWAPPABLE.get(kind, frozenset()))
    if blocked:
        return f"{', '.join(blocked)} of {logical} ({kind}) changed"
    return Swap(logical, kind, changed, dict(after))
