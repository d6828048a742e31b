"""`ws drift`: CloudFormation drift detection across an environment's deployed stacks."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace
from typing import Any, Callable

from botocore.exceptions import ClientError
from botocore.parsers import ResponseParserError

from ws.cloud.livestate import deployed_stacks
from ws.cloud.swapledger import ledger_active
from ws.config.environment import Environment
from ws.config.workspace import Workspace
from ws.errors import WsError
from ws.graph.stackgraph import build_graph

DRIFTED = "DRIFTED"


@dataclass(frozen=True)
class StackDrift:
    stack: str
    stack_name: str
    status: str  # IN_SYNC | DRIFTED | UNKNOWN | NOT_CHECKED | NOT_DEPLOYED
    resources: list[dict[str, Any]] = field(default_factory=list)
    note: str = ""

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def drift(ws: Workspace, env: Environment, cfn: Any,
          sleep: Callable[[float], None], poll: float = 5.0,
          swapped: Callable[[dict[str, dict]], dict[str, dict]] = lambda live: {}
          ) -> list[StackDrift]:
    """Start detection on every deployed stack at once, then collect the results; a stack
    hotswapped since its last CloudFormation deploy (`swapped(live)`: the hotswap ledgers)
    says so: its swapped resources differ from CloudFormation's template by design."""
    graph = build_graph(ws, env)
    names = {name: env.stack_name(name) for name in graph.order()}
    live = deployed_stacks(cfn, set(names.values()))
    started: dict[str, str] = {}
    for name, stack_name in names.items():
        if stack_name in live:
            try:
                started[name] = cfn.detect_stack_drift(StackName=stack_name)[
                    "StackDriftDetectionId"]
            except (ClientError, ResponseParserError) as exc:
                if isinstance(exc, ClientError) and exc.response.get("Error", {}).get(
                        "Code") not in ("InvalidAction", "NotImplemented", "500",
                                        "InternalFailure"):  # ws.cloud.localerrors
                    raise
                raise WsError("this target has no drift detection (the local endpoint does "
                              "not implement it)", "run ws drift against AWS") from None
    ledgers = {n: e for n, e in swapped(live).items() if n in live and ledger_active(live[n], e)}
    return [_noted(_result(cfn, name, stack_name, started.get(name), sleep, poll),
                   ledgers.get(stack_name)) for name, stack_name in names.items()]


def _noted(found: StackDrift, ledger: dict | None) -> StackDrift:
    if ledger is None:
        return found
    note = (f"hotswapped since its last CloudFormation deploy ({', '.join(ledger['swapped'])}): "
            "those differ from CloudFormation's template; ws deploy --changed (without "
            "--hotswap) brings CloudFormation up to date")
    return replace(found, note="; ".join(filter(None, [note, found.note])))


def _result(cfn: Any, name: str, stack_name: str, detection: str | None,
            sleep: Callable[[float], None], poll: float) -> StackDrift:
    if detection is None:
        return StackDrift(name, stack_name, "NOT_DEPLOYED")
    while True:
        status = cfn.describe_stack_drift_detection_status(StackDriftDetectionId=detection)
        if status["DetectionStatus"] != "DETECTION_IN_PROGRESS":
            break
        sleep(poll)
    if status["DetectionStatus"] == "DETECTION_FAILED" and "StackDriftStatus" not in status:
        return StackDrift(name, stack_name, "UNKNOWN", note=status.get("DetectionStatusReason", ""))
    resources = _drifted(cfn, stack_name) if status.get("StackDriftStatus") == DRIFTED else []
    return StackDrift(name, stack_name, status.get("StackDriftStatus", "UNKNOWN"), resources,
                      status.get("DetectionStatusReason", ""))


def _drifted(cfn: Any, stack_name: str) -> list[dict[str, Any]]:
    """Modified and deleted resources (the API pages with NextToken, no paginator)."""
    found: list[dict[str, Any]] = []
    args: dict[str, Any] = {"StackName": stack_name,
                            "StackResourceDriftStatusFilters": ["MODIFIED", "DELETED"]}
    while True:
        page = cfn.describe_stack_resource_drifts(**args)
        found += [{"logical_id": d["LogicalResourceId"], "type": d["ResourceType"],
                   "status": d["StackResourceDriftStatus"],
                   "properties": [p["PropertyPath"] for p in d.get("PropertyDifferences", [])]}
                  for d in page["StackResourceDrifts"]]
        if not page.get("NextToken"):
            return found
        args["NextToken"] = page["NextToken"]
