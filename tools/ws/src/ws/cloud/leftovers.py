"""Stacks an earlier operation left unable to take an update: which ws may recreate on its own,
and what it says (and needs to be told) about the others.

Only ROLLBACK_COMPLETE (a create that failed and left nothing behind) is recreated without
asking. A DELETE_FAILED stack still holds resources (often a retained bucket or table), a
ROLLBACK_FAILED one holds what its rollback could not delete, and a REVIEW_IN_PROGRESS one may be
someone's change set under review: ws stops such a stack and names `--recreate STACK`, the
per-stack permission to delete it (keeping, for DELETE_FAILED, the resources that failed to
delete) and create it again. Termination protection is never turned off unless so told.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

# A failed create that left nothing: safe to delete and create again. CREATE_IN_PROGRESS gets
# here only on a synchronous endpoint (elsewhere it is waited for), where nothing runs: a create
# whose call died. Not CREATE_FAILED: on AWS that is a create with rollback disabled, which keeps
# every resource it made.
AUTO_RECREATE = {"ROLLBACK_COMPLETE", "CREATE_IN_PROGRESS"}


@dataclass(frozen=True)
class Leftover:
    """What an earlier operation left, as found, and how to proceed with it."""

    stack: str  # the workspace's stack name (for the --recreate hint)
    status: str
    protected: bool
    failed: tuple[str, ...] = ()  # resources that failed to delete (DELETE_FAILED, ROLLBACK_FAILED)
    change_sets: tuple[str, ...] = ()  # change sets of a REVIEW_IN_PROGRESS stack

    @property
    def automatic(self) -> bool:
        """Recreated without being told: a failed create, not protected."""
        return self.status in AUTO_RECREATE and not self.protected

    @property
    def retained(self) -> tuple[str, ...]:
        """What a told recreate keeps out of the delete (AWS allows it only for DELETE_FAILED)."""
        return self.failed if self.status == "DELETE_FAILED" else ()

    def refusal(self) -> tuple[str, str]:
        """(what was found and that nothing changed, what to do)."""
        found = f"found the stack {self.status}: {_meaning(self)}"
        protection = "; termination protection is on" if self.protected else ""
        told = f"ws deploy ... --recreate {self.stack}"
        return (f"{found}{protection}. Nothing was changed",
                f"{_remedy(self)}; or let ws do it: {told} ({_consequence(self)})")


def _meaning(left: Leftover) -> str:
    listed = ", ".join(left.failed) or "unknown resources"
    if left.status == "DELETE_FAILED":
        return f"an earlier delete failed and left resources in it ({listed})"
    if left.status == "ROLLBACK_FAILED":
        return f"a failed create could not be rolled back ({listed} left)"
    if left.status == "REVIEW_IN_PROGRESS":
        sets = ", ".join(left.change_sets) or "none left"
        return f"it was made by a change set never executed (change sets: {sets}), " \
               "perhaps one under review"
    if left.status == "CREATE_FAILED":
        return "a create failed with rollback disabled and kept the resources it made"
    if left.status in AUTO_RECREATE:
        return "a failed create left it empty"
    return "an earlier operation left it unable to take an update"


def _remedy(left: Leftover) -> str:
    if left.status == "DELETE_FAILED":
        return "empty or delete those resources yourself, then run ws destroy or ws deploy"
    if left.status == "REVIEW_IN_PROGRESS":
        return "ask whoever made the change set, and execute or delete it"
    return "look at the stack's events in the CloudFormation console and clean it up"


def _consequence(left: Leftover) -> str:
    steps = []
    if left.protected:
        steps.append("turns termination protection off")
    if left.retained:
        steps.append(f"deletes the stack keeping {', '.join(left.retained)} in the account, "
                     "outside any stack")
    else:
        steps.append("deletes the stack and what is left in it")
    return ", ".join(steps) + ", then creates it again"


def failed_resources(cfn: Any, stack_id: str) -> tuple[str, ...]:
    """Logical ids of the stack's resources that failed to delete."""
    found = []
    for page in cfn.get_paginator("list_stack_resources").paginate(StackName=stack_id):
        found += [r["LogicalResourceId"] for r in page["StackResourceSummaries"]
                  if r["ResourceStatus"] == "DELETE_FAILED"]
    return tuple(sorted(found))


def change_sets_of(cfn: Any, stack_id: str) -> tuple[str, ...]:
    """Names of the change sets on a stack."""
    found = []
    for page in cfn.get_paginator("list_change_sets").paginate(StackName=stack_id):
        found += [s["ChangeSetName"] for s in page["Summaries"]]
    return tuple(found)


def inspect(cfn: Any, stack: str, current: dict[str, Any]) -> Leftover:
    """Describe what is left in an unusable stack (one or two reads, only for those states)."""
    status, stack_id = current["StackStatus"], current["StackId"]
    protected = bool(current.get("EnableTerminationProtection"))
    if status in ("DELETE_FAILED", "ROLLBACK_FAILED"):
        return Leftover(stack, status, protected, failed=failed_resources(cfn, stack_id))
    if status == "REVIEW_IN_PROGRESS":
        return Leftover(stack, status, protected, change_sets=change_sets_of(cfn, stack_id))
    return Leftover(stack, status, protected)
