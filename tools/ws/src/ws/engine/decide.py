"""The one decision: does a stack deploy now, and why. Pure: plan, deploy and diff all ask it."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable

from ws.cloud.livestate import parameters_of, record_of
from ws.cloud.stackops import GOOD, needs_recreate
from ws.engine.inputs import StackInputs

DEPLOY, SKIP, LATER = "deploy", "skip", "decide after upstream"


@dataclass(frozen=True)
class Decision:
    action: str  # DEPLOY | SKIP | LATER
    reason: str


def decide(live: dict[str, Any] | None, inputs: StackInputs | None, *,
           pending: Iterable[str] = (), unresolved: str = "",
           changed_only: bool = True, protected: bool = False) -> Decision:
    """Decide one stack from its deployed state (`live`, None: not deployed) and its resolved
    `inputs` (None when they cannot be resolved yet: `unresolved` says why). `pending` names
    upstream stacks it consumes that deploy first. Without `changed_only` every stack deploys;
    the reason still says what was found. In a `protected` environment a stack without
    termination protection deploys (the deploy turns it on), whatever else is unchanged."""
    found = _compare(live, inputs, sorted(pending), unresolved)
    if protected and found.action == SKIP and live is not None \
            and not live.get("EnableTerminationProtection"):
        found = Decision(DEPLOY, "termination protection is off (the environment is protected)")
    if changed_only or found.action == DEPLOY:
        return found
    return Decision(DEPLOY, f"deployed without --changed ({found.reason})")


def _compare(live: dict[str, Any] | None, inputs: StackInputs | None, pending: list[str],
             unresolved: str) -> Decision:
    if live is None:
        return Decision(DEPLOY, "not deployed")
    if live["StackStatus"] not in GOOD:
        told = ": a deploy stops at it unless told --recreate" if needs_recreate(live) else ""
        return Decision(DEPLOY, f"last deploy did not succeed ({live['StackStatus']}){told}")
    if pending:
        return Decision(LATER, f"depends on {', '.join(pending)} (decided after it deploys)")
    if inputs is None:
        return Decision(DEPLOY, f"cannot tell: {unresolved}")
    record = record_of(live)
    if record.get("fingerprint") == inputs.fingerprint.value:
        return Decision(SKIP, "unchanged")
    reasons = inputs.fingerprint.reasons(record, parameters_of(live), inputs.plain)
    return Decision(DEPLOY, ", ".join(reasons))
