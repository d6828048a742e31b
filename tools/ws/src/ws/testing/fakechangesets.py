"""Change sets for the fake cloud, shaped like CloudFormation's: Add/Modify/Remove per logical
id (Replacement from `cloud.replacements`), an empty one FAILED with AWS's reason; one that
changes only outputs has no resource change and executes, as on AWS."""
from __future__ import annotations

import json
from typing import Any

EMPTY_REASON = ("The submitted information didn't contain changes. Submit different "
                "information to create a change set.")


class FakeChangeSets:
    """Mixed into FakeCloudFormation (which provides cloud, stacks, _count, _operate...)."""

    cloud: Any

    def create_change_set(self, StackName: str, ChangeSetName: str, ChangeSetType: str,
                          **args: Any) -> dict:
        self._count("CreateChangeSet")  # type: ignore[attr-defined]
        self._mode("CreateChangeSet", args.pop("DeploymentConfig", None))  # type: ignore
        with self.cloud.lock:
            current = self.cloud.stacks.get(StackName)
        if ChangeSetType == "CREATE" and current is None:
            self.create_stack(StackName, _review=True)  # type: ignore[attr-defined]
        before = (current or {}).get("_template", {}).get("Resources", {})
        after = json.loads(args.get("TemplateBody", "{}")).get("Resources", {})
        changes = [self._change(key, before.get(key), after.get(key))
                   for key in sorted(set(before) | set(after)) if before.get(key) != after.get(key)]
        same_inputs = current is not None and current.get("Parameters") == args.get(
            "Parameters", []) and current.get("Tags") == args.get("Tags", []) \
            and current.get("_template") == json.loads(args.get("TemplateBody", "{}"))
        change_set_id = f"arn:fake:changeSet/{ChangeSetName}"
        self.cloud.change_sets[change_set_id] = {
            "StackName": StackName, "Args": args, "Changes": changes,
            "Status": "FAILED" if not changes and same_inputs else "CREATE_COMPLETE",
            "StatusReason": EMPTY_REASON if not changes and same_inputs else ""}
        return {"Id": change_set_id, "StackId": self.cloud.stacks[StackName]["StackId"]}

    def describe_change_set(self, ChangeSetName: str, NextToken: str | None = None) -> dict:
        self._count("DescribeChangeSet")  # type: ignore[attr-defined]
        found = self.cloud.change_sets[ChangeSetName]
        return {key: found[key] for key in ("Status", "StatusReason", "Changes")}

    def execute_change_set(self, ChangeSetName: str) -> dict:
        self._count("ExecuteChangeSet")  # type: ignore[attr-defined]
        found = self.cloud.change_sets.pop(ChangeSetName)
        verb = "CREATE" if self.cloud.stacks[found["StackName"]]["StackStatus"] == \
            "REVIEW_IN_PROGRESS" else "UPDATE"
        self._operate(found["StackName"], verb, found["Args"])  # type: ignore[attr-defined]
        return {}

    def delete_change_set(self, ChangeSetName: str) -> dict:
        self._count("DeleteChangeSet")  # type: ignore[attr-defined]
        self.cloud.change_sets.pop(ChangeSetName, None)
        return {}

    def _change(self, logical_id: str, before: dict | None, after: dict | None) -> dict:
        action = "Add" if before is None else "Remove" if after is None else "Modify"
        change = {"Action": action, "LogicalResourceId": logical_id,
                  "ResourceType": (after or before or {}).get("Type", "")}
        if action == "Modify":
            change["Replacement"] = self.cloud.replacements.get(logical_id, "False")
        return {"Type": "Resource", "ResourceChange": change}
