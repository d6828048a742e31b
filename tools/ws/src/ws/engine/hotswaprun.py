"""One stack's hotswap in a deploy: the template ws would send compared with the one running
(the last hotswap's, else CloudFormation's), the differences applied through the service APIs
when all of them can be, the ledger written; otherwise CloudFormation deploys it as usual."""
from __future__ import annotations

import json
import logging
from datetime import datetime, timezone
from typing import Any, Callable

from ws.cloud.hotswap import Hotswapper
from ws.cloud.livestate import outputs_of, record_of
from ws.cloud.stackops import StackResult
from ws.cloud.swapledger import delete_ledger, ledger_active, write_ledger
from ws.cloud.swapvalues import Unresolvable
from ws.engine.inputs import StackInputs
from ws.engine.stackrun import Target
from ws.engine.swapdiff import SwapPlan, swap_plan
from ws.package.prepare import Packaged

log = logging.getLogger(__name__)
Deploy = Callable[[], StackResult]


def hotswapper(target: Target, sleep: Callable[[float], None]) -> Hotswapper:
    return Hotswapper(target.backend.client, sleep)


def hotswap_or_deploy(target: Target, name: str, inputs: StackInputs, packaged: Packaged,
                      current: dict[str, Any], say: Callable[[str], None],
                      ready: Callable[[], None], hot: Hotswapper,
                      deploy: Deploy) -> StackResult:
    """Hotswap the stack when every difference can be swapped; else `deploy` (CloudFormation),
    saying which difference forced it."""
    stack_name = target.env.stack_name(name)
    ledger = target.swapped.get(stack_name)
    ledger = ledger if ledger_active(current, ledger) else None
    body, backend = packaged.stack(name).body, target.backend
    cfn = lambda: reconciled(target, name, packaged, current, say, hot, deploy)  # noqa: E731
    try:
        running = ledger["template"] if ledger else hot.deployed_template(stack_name)
    except Unresolvable as exc:
        return _through_cloudformation(f"{exc} cannot be compared", say, deploy)
    plan = swap_plan(running, body)
    if not plan.possible:
        return _through_cloudformation(f"{plan.blocker} (not hotswappable)", say, cfn)
    try:
        ctx = hot.context(current, inputs.plain, backend.region, backend.account_id,
                          backend.partition)
        calls = hot.calls(plan.swaps, ctx)
    except Unresolvable as exc:
        return _through_cloudformation(f"{exc} needs CloudFormation to evaluate", say, cfn)
    ready()  # the template check passed: now things change
    upload = packaged.uploader()
    for key, data in packaged.stack(name).uploads.items():
        upload(key, data)
    swapped = _swapped(ledger, plan)
    # First a ledger that says "under way" (what ran before, no fingerprint): a hotswap that
    # fails half-way leaves CloudFormation behind, the next --hotswap swaps it all again and
    # the next deploy without --hotswap sets everything as its template says.
    _write(target, packaged, stack_name, current, _under_way(ledger, current, running, swapped))
    hot.apply(calls, say)
    if inputs.fingerprint.value == record_of(current).get("fingerprint"):  # back to it
        delete_ledger(backend.client("s3"), packaged.bucket, backend.account_id, stack_name)
    else:
        _write(target, packaged, stack_name, current,
               _running(target, inputs, body, swapped))
    what = ", ".join(swapped) or "nothing to swap"
    return StackResult("hotswapped", current["StackStatus"], outputs_of(current),
                       reason=f"hotswapped {what}")


def _through_cloudformation(why: str, say: Callable[[str], None], deploy: Deploy) -> StackResult:
    """The stack deployed through CloudFormation; its report says which difference forced it."""
    say(f"through CloudFormation: {why}")
    result = deploy()
    if result.ok:
        result.reason = f"through CloudFormation: {why}"
    return result


def _swapped(ledger: dict | None, plan: SwapPlan) -> list[str]:
    before = list(ledger.get("swapped", [])) if ledger else []
    return before + [str(s) for s in plan.swaps if str(s) not in before]


def _running(target: Target, inputs: StackInputs, body: dict, swapped: list[str]) -> dict:
    """The ledger's entry once the swaps are made: this deploy's fingerprint and template."""
    record = json.loads(inputs.fingerprint.record(target.commit, target.version))
    return {"fingerprint": record["fingerprint"], "parts": record["parts"],
            "commit": record["commit"], "ws": record["ws"], "swapped": swapped, "template": body}


def _under_way(ledger: dict | None, current: dict, running: dict, swapped: list[str]) -> dict:
    """The entry while the swaps are made: what ran before (its parts, so reasons still say
    what changed), no fingerprint (nothing matches it)."""
    before = ledger or record_of(current)
    return {"fingerprint": "", "parts": before.get("parts", ""), "swapped": swapped,
            "template": running, "commit": before.get("commit", ""), "ws": before.get("ws", "")}


def _write(target: Target, packaged: Packaged, stack_name: str, current: dict,
           entry: dict) -> None:
    """Write the stack's ledger: `entry`, on the CloudFormation deploy it was made on."""
    write_ledger(target.backend.client("s3"), packaged.bucket, target.backend.account_id,
                 stack_name, {**entry, "stack": stack_name,
                              "cfn_fingerprint": record_of(current).get("fingerprint", ""),
                              "at": datetime.now(timezone.utc).isoformat(timespec="seconds")})


def reconciled(target: Target, name: str, packaged: Packaged, current: dict | None,
               say: Callable[[str], None], hot: Hotswapper, deploy: Deploy) -> StackResult:
    """`deploy` through CloudFormation; when the stack was hotswapped since its last
    CloudFormation deploy, what CloudFormation left as it was (a property hotswapped, then
    written back as CloudFormation has it) is set again through the APIs, and the ledger
    goes."""
    stack_name = target.env.stack_name(name)
    ledger = target.swapped.get(stack_name)
    if current is None or not ledger_active(current, ledger):
        return deploy()
    before = hot.deployed_template(stack_name)
    result = deploy()
    if not result.ok:
        return result
    body = packaged.stack(name).body
    stale = _left_behind(swap_plan(ledger["template"], body), before, body)
    if stale:
        say("setting again what CloudFormation did not change: "
            + ", ".join(str(s) for s in stale))
        fresh = hot.context(current, {}, target.backend.region, target.backend.account_id,
                            target.backend.partition)
        hot.apply(hot.calls(tuple(stale), fresh), say)
    delete_ledger(target.backend.client("s3"), packaged.bucket, target.backend.account_id,
                  stack_name)
    return result


def _left_behind(plan: SwapPlan, before: dict, body: dict) -> list:
    """The swaps (ledger -> new) of properties CloudFormation's deploy did not touch (the
    same in the template it had and the one it got)."""
    if not plan.possible:
        return []
    old, new = before.get("Resources") or {}, body.get("Resources") or {}
    stale = []
    for swap in plan.swaps:
        was = (old.get(swap.logical_id) or {}).get("Properties") or {}
        now = (new.get(swap.logical_id) or {}).get("Properties") or {}
        kept = {k: v for k, v in swap.changed.items() if was.get(k) == now.get(k)}
        if kept:
            stale.append(type(swap)(swap.logical_id, swap.resource_type, kept, swap.properties))
    return stale
