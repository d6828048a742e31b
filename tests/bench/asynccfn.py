"""CloudFormation's asynchronous timing laid over moto's synchronous stacks.

moto finishes every stack operation inside the API call. Here each operation that moto
accepted (CreateStack, UpdateStack, ExecuteChangeSet, DeleteStack) is recorded with its start
and a duration D, and for D seconds the responses that show stacks (DescribeStacks, ListStacks,
DescribeStackEvents, DescribeStackResource(s)) say `*_IN_PROGRESS`; a deleted stack is still
shown DELETE_IN_PROGRESS (from a snapshot taken before the delete), then is gone. A change set
stays CREATE_PENDING / CREATE_IN_PROGRESS for C seconds. A stack named to fail ends
ROLLBACK_COMPLETE / UPDATE_ROLLBACK_COMPLETE with a *_FAILED event. Operations on a stack still
in progress are refused as CloudFormation refuses them. An operation sent in express mode
(DeploymentConfig.Mode=EXPRESS; for a change set, on CreateChangeSet) takes D x express_factor
(1/4 unless given).
"""
from __future__ import annotations

import threading
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from typing import Callable

import cfnxml as x

Fetch = Callable[[dict[str, str]], tuple[int, bytes]]  # form params -> moto's (status, body)
Answer = tuple[int, bytes]
FAILED_STATUS = {"CREATE": "ROLLBACK_COMPLETE", "UPDATE": "UPDATE_ROLLBACK_COMPLETE"}
FAIL_REASON = "Resource handler returned message: injected failure (bench --fail)"


@dataclass
class Operation:
    """One stack operation as CloudFormation would run it: from `started` for `duration` s."""

    name: str
    stack_id: str
    kind: str  # CREATE | UPDATE | DELETE
    started: float
    duration: float
    fails: bool = False
    snapshot: ET.Element | None = None  # DELETE: the stack as described before moto forgot it
    express: bool = False  # sent with DeploymentConfig.Mode=EXPRESS

    @property
    def ended(self) -> float:
        return self.started + self.duration

    def status(self, now: float) -> str | None:
        """The status to show instead of moto's; None when moto's is right."""
        if now < self.ended:
            return f"{self.kind}_IN_PROGRESS"
        return FAILED_STATUS.get(self.kind) if self.fails else None


@dataclass(frozen=True)
class Timing:
    """How long things take: D per stack name, C per change set, which stacks fail."""

    delay_of: Callable[[str], float]
    change_set_delay: float = 0.0
    fail: frozenset[str] = frozenset()
    clock: Callable[[], float] = time.time
    express_factor: float = 0.25  # an express operation takes D x this


@dataclass
class _ChangeSet:
    name: str
    stack_id: str
    kind: str
    ready_at: float
    express: bool = False


def _express(params: dict[str, str]) -> bool:
    return params.get("DeploymentConfig.Mode") == "EXPRESS"


def stack_name_of(name_or_id: str) -> str:
    """The stack name from a name or a stack ARN (arn:...:stack/NAME/uuid)."""
    return name_or_id.split("/")[1] if name_or_id.startswith("arn:") else name_or_id


@dataclass
class AsyncStacks:
    """The asynchronous state of every stack, consulted before and after moto answers."""

    timing: Timing
    ops: dict[str, Operation] = field(default_factory=dict)  # latest operation by stack name
    history: list[Operation] = field(default_factory=list)
    change_sets: dict[str, _ChangeSet] = field(default_factory=dict)  # by id and by name
    snapshots: dict[str, ET.Element] = field(default_factory=dict)  # taken before DeleteStack
    lock: threading.Lock = field(default_factory=threading.Lock)

    # ---- before moto: refuse what CloudFormation refuses --------------------------------
    def intercept(self, action: str, params: dict[str, str], fetch: Fetch) -> Answer | None:
        """An answer given instead of moto's, or None to forward the call."""
        now = self.timing.clock()
        if action == "CreateStack":
            return self._refuse_existing(params["StackName"], now)
        if action == "UpdateStack":
            return self._refuse_busy(params["StackName"], now, "updated")
        if action == "CreateChangeSet":
            if params.get("ChangeSetType") == "CREATE":
                return self._refuse_existing(params["StackName"], now)
            return self._refuse_busy(params["StackName"], now, "updated")
        if action == "ExecuteChangeSet":
            return self._refuse_execute(params.get("ChangeSetName", ""), now)
        if action == "DeleteStack":
            return self._before_delete(params["StackName"], now, fetch)
        return None

    def _busy(self, name: str, now: float) -> tuple[Operation, str] | None:
        with self.lock:
            op = self.ops.get(stack_name_of(name))
        status = op.status(now) if op else None
        return (op, status) if op and status else None

    def _refuse_existing(self, name: str, now: float) -> Answer | None:
        # A stack being created, deleted, or left ROLLBACK_COMPLETE still holds its name.
        if self._busy(name, now):
            return x.error("AlreadyExistsException", f"Stack [{name}] already exists")
        return None

    def _refuse_busy(self, name: str, now: float, verb: str) -> Answer | None:
        """Refuse while an operation runs; a failed create (ROLLBACK_COMPLETE) can only be
        deleted."""
        busy = self._busy(name, now)
        if busy is None:
            return None
        op, status = busy
        if status.endswith("_IN_PROGRESS") or (verb == "updated" and status == "ROLLBACK_COMPLETE"):
            return x.error("ValidationError",
                           f"Stack:{op.stack_id} is in {status} state and can not be {verb}.")
        return None

    def _refuse_execute(self, change_set: str, now: float) -> Answer | None:
        with self.lock:
            found = self.change_sets.get(change_set)
        if found is None:
            return None
        if now < found.ready_at:
            return x.error("InvalidChangeSetStatus", f"ChangeSet [{change_set}] cannot be "
                           "executed in its current status of [CREATE_IN_PROGRESS]")
        return self._refuse_busy(found.name, now, "updated")

    def _before_delete(self, name: str, now: float, fetch: Fetch) -> Answer | None:
        busy = self._busy(name, now)
        if busy and busy[1] == "DELETE_IN_PROGRESS":
            return 200, (f'<DeleteStackResponse xmlns="{x.NS}"><ResponseMetadata><RequestId>'
                         "bench</RequestId></ResponseMetadata></DeleteStackResponse>").encode()
        refused = self._refuse_busy(name, now, "deleted")
        if refused is not None:
            return refused
        status, body = fetch({"Action": "DescribeStacks", "Version": "2010-05-15",
                              "StackName": name})
        if status == 200:
            for _, member in x.members(x.parse(body), "DescribeStacksResult/Stacks"):
                with self.lock:
                    self.snapshots[stack_name_of(name)] = member
        return None

    # ---- after moto: record operations, rewrite what shows stacks ----------------------
    def after(self, action: str, params: dict[str, str], status: int, body: bytes) -> Answer:
        """moto's answer, rewritten to show the asynchronous state."""
        now = self.timing.clock()
        if status == 200:
            self._record(action, params, body, now)
        rewrite = _REWRITES.get(action)
        if rewrite is None:
            return status, body
        return rewrite(self, params, status, body, now)

    def _record(self, action: str, params: dict[str, str], body: bytes, now: float) -> None:
        if action in ("CreateStack", "UpdateStack"):
            stack_id = x.text(x.parse(body).find(x.q(f"{action}Result")), "StackId")
            self._start(params["StackName"], stack_id, action[:6].upper(), now,
                        express=_express(params))
        elif action == "CreateChangeSet":
            result = x.parse(body).find(x.q("CreateChangeSetResult"))
            record = _ChangeSet(params["StackName"], x.text(result, "StackId"),
                                params.get("ChangeSetType", "UPDATE"),
                                now + self.timing.change_set_delay, _express(params))
            with self.lock:
                self.change_sets[x.text(result, "Id")] = record
                self.change_sets[params["ChangeSetName"]] = record
        elif action == "ExecuteChangeSet":
            with self.lock:
                found = self.change_sets.get(params.get("ChangeSetName", ""))
            if found is not None:
                self._start(found.name, found.stack_id, found.kind, now, express=found.express)
        elif action == "DeleteStack":
            name = stack_name_of(params["StackName"])
            with self.lock:
                snapshot = self.snapshots.pop(name, None)
            if snapshot is not None:
                self._start(name, x.text(snapshot, "StackId"), "DELETE", now, snapshot,
                            _express(params))

    def _start(self, name: str, stack_id: str, kind: str, now: float,
               snapshot: ET.Element | None = None, express: bool = False) -> None:
        fails = kind != "DELETE" and name in self.timing.fail
        delay = self.timing.delay_of(name) * (self.timing.express_factor if express else 1.0)
        op = Operation(name, stack_id, kind, now, delay, fails, snapshot, express)
        with self.lock:
            self.ops[name] = op
            self.history.append(op)

    def op_for(self, name: str, stack_id: str) -> Operation | None:
        """The latest operation of this very stack (a recreated stack has a new id)."""
        with self.lock:
            op = self.ops.get(name)
        return op if op and (not stack_id or op.stack_id == stack_id) else None

    def deleting(self, now: float) -> list[Operation]:
        with self.lock:
            return [op for op in self.ops.values()
                    if op.kind == "DELETE" and op.status(now) and op.snapshot is not None]

    def in_flight(self, start: float, end: float) -> int:
        """The most operations running at one moment between `start` and `end`."""
        with self.lock:
            spans = [(max(op.started, start), min(op.ended, end)) for op in self.history
                     if op.started < end and op.ended > start]
        moments = sorted([(s, 1) for s, _ in spans] + [(e, -1) for _, e in spans],
                         key=lambda item: (item[0], item[1]))
        running = peak = 0
        for _, step in moments:
            running += step
            peak = max(peak, running)
        return peak

    def started_between(self, start: float, end: float) -> list[Operation]:
        with self.lock:
            return [op for op in self.history if start <= op.started < end]


def _show_stack(stacks: AsyncStacks, member: ET.Element, now: float) -> None:
    """Rewrite one Stacks (or StackSummaries) member to its asynchronous status."""
    op = stacks.op_for(x.text(member, "StackName"), x.text(member, "StackId"))
    status = op.status(now) if op else None
    if op is None or status is None:
        return
    x.set_text(member, "StackStatus", status)
    if status == "CREATE_IN_PROGRESS":
        x.drop(member, "Outputs")  # outputs exist once the stack is created
    if status in FAILED_STATUS.values():
        x.set_text(member, "StackStatusReason", "The following resource(s) failed to "
                   "create: [Param]." if op.kind == "CREATE" else "The following resource(s) "
                   "failed to update: [Param].", after="StackStatus")


def _describe_stacks(stacks: AsyncStacks, params: dict[str, str], status: int, body: bytes,
                     now: float) -> Answer:
    wanted = params.get("StackName", "")
    deleting = [op for op in stacks.deleting(now)
                if not wanted or wanted in (op.name, op.stack_id)]
    if status != 200:
        if not (wanted and deleting):
            return status, body
        root = x.empty_describe_stacks()  # moto forgot it; CloudFormation still shows it
    else:
        root = x.parse(body)
    shown = {x.text(m, "StackId") for _, m in x.members(root, "DescribeStacksResult/Stacks")}
    if "NextToken" not in params:  # add deleting stacks to the first page only
        for op in deleting:
            if op.stack_id not in shown:
                x.stacks_list(root).append(op.snapshot)
    for _, member in x.members(root, "DescribeStacksResult/Stacks"):
        _show_stack(stacks, member, now)
    return 200, x.dump(root)


def _list_stacks(stacks: AsyncStacks, params: dict[str, str], status: int, body: bytes,
                 now: float) -> Answer:
    if status != 200:
        return status, body
    root = x.parse(body)
    for _, member in x.members(root, "ListStacksResult/StackSummaries"):
        _show_stack(stacks, member, now)
    return 200, x.dump(root)


def _stack_events(stacks: AsyncStacks, params: dict[str, str], status: int, body: bytes,
                  now: float) -> Answer:
    """While in progress, hide the events moto wrote ahead of time; a failure adds its own."""
    if status != 200:
        return status, body
    root = x.parse(body)
    found = list(x.members(root, "DescribeStackEventsResult/StackEvents"))
    if not found:
        return status, body
    parent, first = found[0]
    op = stacks.op_for(x.text(first, "StackName"), x.text(first, "StackId"))
    shown = op.status(now) if op else None
    if op is None or shown is None:
        return status, body
    for _, member in found:
        late = x.timestamp(member) >= op.started - 1.0
        if late and not x.text(member, "ResourceStatus").endswith("_IN_PROGRESS"):
            parent.remove(member)
    if shown in FAILED_STATUS.values():
        failed = x.event(op.stack_id, op.name, "Param", "AWS::SSM::Parameter",
                         f"{op.kind}_FAILED", FAIL_REASON, op.ended - 0.5)
        final = x.event(op.stack_id, op.name, op.name, "AWS::CloudFormation::Stack", shown,
                        "", op.ended)
        parent.insert(0, failed)
        parent.insert(0, final)
    return 200, x.dump(root)


def _stack_resources(stacks: AsyncStacks, params: dict[str, str], status: int, body: bytes,
                     now: float) -> Answer:
    if status != 200:
        return status, body
    op = stacks.op_for(stack_name_of(params.get("StackName", "")), "")
    shown = op.status(now) if op else None
    if op is None or shown is None or not shown.endswith("_IN_PROGRESS"):
        return status, body
    root = x.parse(body)
    for element in root.iter(x.q("ResourceStatus")):
        element.text = shown
    return 200, x.dump(root)


def _describe_change_set(stacks: AsyncStacks, params: dict[str, str], status: int, body: bytes,
                         now: float) -> Answer:
    """A change set still being computed: pending, then in progress, with no changes yet."""
    with stacks.lock:
        found = stacks.change_sets.get(params.get("ChangeSetName", ""))
    if status != 200 or found is None or now >= found.ready_at:
        return status, body
    root = x.parse(body)
    result = root.find(x.q("DescribeChangeSetResult"))
    half = found.ready_at - stacks.timing.change_set_delay / 2
    x.set_text(result, "Status", "CREATE_PENDING" if now < half else "CREATE_IN_PROGRESS")
    x.set_text(result, "ExecutionStatus", "UNAVAILABLE")
    x.drop(result, "Changes")
    return 200, x.dump(root)


_REWRITES = {"DescribeStacks": _describe_stacks, "ListStacks": _list_stacks,
             "DescribeStackEvents": _stack_events, "DescribeStackResources": _stack_resources,
             "DescribeStackResource": _stack_resources,
             "DescribeChangeSet": _describe_change_set}
