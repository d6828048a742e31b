"""The one decision: does a stack deploy now, and how (through CloudFormation, or hotswapped
through the service APIs), and why. Pure: plan, deploy and diff all ask it."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable

from ws.cloud.livestate import parameters_of, record_of
from ws.cloud.stackops import GOOD, needs_recreate
from ws.cloud.swapledger import ledger_active
from ws.engine.inputs import StackInputs

DEPLOY, SKIP, LATER, HOTSWAP = "deploy", "skip", "decide after upstream", "hotswap"
# Fingerprint parts whose change shows in the template ws sends (code by its S3 key, local
# files inlined or by key): a hotswap may apply them. Anything else goes through CloudFormation.
SWAPPABLE_REASONS = {"template changed", "code changed", "shared files changed",
                     "local files changed (definitions, includes, nested templates)"}


@dataclass(frozen=True)
class Decision:
    action: str  # DEPLOY | HOTSWAP | SKIP | LATER
    reason: str


def decide(live: dict[str, Any] | None, inputs: StackInputs | None, *,
           pending: Iterable[str] = (), unresolved: str = "",
           changed_only: bool = True, protected: bool = False, hotswap: bool = False,
           swapped: dict[str, Any] | None = None) -> Decision:
    """Decide one stack from its deployed state (`live`, None: not deployed) and its resolved
    `inputs` (None when they cannot be resolved yet: `unresolved` says why). `pending` names
    upstream stacks it consumes that deploy first. Without `changed_only` every stack deploys;
    the reason still says what was found. In a `protected` environment a stack without
    termination protection deploys (the deploy turns it on), whatever else is unchanged.
    `swapped`: the stack's hotswap ledger (what runs since its last CloudFormation deploy), if
    any; with `hotswap` a change the service APIs can apply is a HOTSWAP, and without it a
    stack whose CloudFormation state is behind what runs deploys."""
    ledger = swapped if live is not None and ledger_active(live, swapped) else None
    found = _compare(live, inputs, sorted(pending), unresolved, ledger)
    if protected and found.action == SKIP and live is not None \
            and not live.get("EnableTerminationProtection"):
        found = Decision(DEPLOY, "termination protection is off (the environment is protected)")
    if ledger is not None and found.action == SKIP:
        swapped_what = ", ".join(ledger.get("swapped", [])) or "nothing"
        behind = f"CloudFormation is behind: hotswapped {swapped_what}"
        found = Decision(SKIP, f"unchanged ({behind})") if hotswap else Decision(DEPLOY, behind)
    if hotswap and found.action == DEPLOY and inputs is not None and live is not None \
            and live["StackStatus"] in GOOD:
        found = _swappable(found)
    if changed_only or found.action in (DEPLOY, HOTSWAP):
        return found
    return Decision(DEPLOY, f"deployed without --changed ({found.reason})")


def _swappable(found: Decision) -> Decision:
    reasons = found.reason.split(", ")
    if set(reasons) <= SWAPPABLE_REASONS:
        return Decision(HOTSWAP, found.reason)
    forced = [r for r in reasons if r not in SWAPPABLE_REASONS]
    return Decision(DEPLOY, f"{found.reason} (through CloudFormation: {', '.join(forced)})")


def _compare(live: dict[str, Any] | None, inputs: StackInputs | None, pending: list[str],
             unresolved: str, ledger: dict[str, Any] | None) -> Decision:
    if live is None:
        return Decision(DEPLOY, "not deployed")
    if live["StackStatus"] not in GOOD:
        told = ": a deploy stops at it unless told --recreate" if needs_recreate(live) else ""
        return Decision(DEPLOY, f"last deploy did not succeed ({live['StackStatus']}){told}")
    if pending:
        return Decision(LATER, f"depends on {', '.join(pending)} (decided after it deploys)")
    if inputs is None:
        return Decision(DEPLOY, f"cannot tell: {unresolved}")
    record = record_of(live) if ledger is None else \
        {"fingerprint": ledger.get("fingerprint", ""), "parts": ledger.get("parts", "")}
    if record.get("fingerprint") == inputs.fingerprint.value:
        return Decision(SKIP, "unchanged")
    reasons = inputs.fingerprint.reasons(record, parameters_of(live), inputs.plain)
    return Decision(DEPLOY, ", ".join(reasons))
