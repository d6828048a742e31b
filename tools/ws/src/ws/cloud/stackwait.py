"""Waiting for a stack operation to end, and saying what it did: with the one watcher of an
asynchronous target (watcher.py), or by polling one stack where CloudFormation finishes inside
the call; each new event is reported, and a failure is explained by its first failed resource."""
from __future__ import annotations

import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Iterator

from botocore.exceptions import BotoCoreError, ClientError

from ws.cloud.awserrors import is_throttling, message_of
from ws.cloud.livestate import describe_one
from ws.cloud.watcher import Abandoned, Watcher
from ws.errors import DeployError

OnEvent = Callable[[str], None]
GOOD = {"CREATE_COMPLETE", "UPDATE_COMPLETE", "IMPORT_COMPLETE"}
# The stack-level status an operation begins with: its first event, and nothing to report yet.
STARTS = {"CREATE_IN_PROGRESS", "UPDATE_IN_PROGRESS", "DELETE_IN_PROGRESS", "IMPORT_IN_PROGRESS"}


@dataclass
class StackWaits:
    """The waiting half of StackOps, over one CloudFormation client."""

    cfn: Any
    synchronous: bool = False  # True where the endpoint finishes every call before answering
    sleep: Callable[[float], None] = time.sleep
    poll: float = 5.0
    timeout: float = 3 * 3600
    watcher: Watcher | None = None  # asynchronous targets: one watcher for all operations
    # The events of an operation that succeeded are read when asked (report_events), not
    # before the wait returns: the stacks that depend on it start first (one read less in
    # each hand-over). A failure's are read at once: they say why.
    defer_events: bool = False
    _pending: dict[str, tuple[str, set[str], OnEvent]] = field(default_factory=dict, repr=False)
    _guard: threading.Lock = field(default_factory=threading.Lock, repr=False)
    # Stacks with an update this run asked for and has not seen end (the only ones a second
    # Ctrl-C may cancel: an update someone else started is not this run's to roll back).
    _updating: set[str] = field(default_factory=set, repr=False)

    @contextmanager
    def updating(self, name: str) -> Iterator[None]:
        """While the body runs, `name` has an update this run started (or is starting)."""
        with self._guard:
            self._updating.add(name)
        try:
            yield
        finally:
            with self._guard:
                self._updating.discard(name)

    def ours(self, name: str) -> bool:
        """Is an update this run started on stack `name` still running?"""
        with self._guard:
            return name in self._updating

    def describe(self, name: str) -> dict[str, Any] | None:
        stack = describe_one(self.cfn, name)
        return stack if stack and stack["StackStatus"] != "DELETE_COMPLETE" else None

    def now(self) -> float:
        """The watcher's clock: when an operation is asked for (its durations start there)."""
        return self.watcher.clock() if self.watcher is not None else time.monotonic()

    def _wait(self, name: str, stack_id: str, on_event: OnEvent, events_of: str | None = None,
              deleting: bool = False, since: float | None = None,
              defer: bool = False) -> dict[str, Any] | None:
        """Poll until the stack leaves *_IN_PROGRESS, reporting each new event (`since`: when
        the operation was asked for, if by this run; `defer`: a success's events are left for
        report_events, if the target is watched and defer_events is on)."""
        if self.watcher is not None and not self.synchronous:
            return self._watched(name, stack_id, on_event, events_of, deleting, since,
                                 defer and self.defer_events)
        seen: set[str] = set()
        deadline = time.monotonic() + self.timeout
        while True:
            try:
                self._report_events(events_of or stack_id, seen, on_event)
                current = self.describe(stack_id)
            except ClientError as exc:
                if not is_throttling(exc) or time.monotonic() > deadline:
                    raise
                self.sleep(self.poll)  # the operation goes on in CloudFormation: keep watching
                continue
            if current is None or not current["StackStatus"].endswith("_IN_PROGRESS"):
                return None if current and current["StackStatus"] == "DELETE_COMPLETE" else current
            if self.synchronous or time.monotonic() > deadline:
                raise DeployError(f"{name} is still {current['StackStatus']}",
                                  "wait for it to finish, then run ws deploy again")
            self.sleep(self.poll)

    def _watched(self, name: str, key: str, on_event: OnEvent, events_of: str | None = None,
                 deleting: bool = False, since: float | None = None,
                 defer: bool = False) -> dict[str, Any] | None:
        """Wait for the watcher to see the stack leave *_IN_PROGRESS; events are read only
        when its status changes (not on every look), and once more at the end (or later,
        when the end is a success and `defer`)."""
        assert self.watcher is not None
        ticket, seen, status = self.watcher.watch(name, key, deleting, since), set(), ""
        deadline = time.monotonic() + self.timeout
        try:
            while True:
                ticket.changed.wait(1.0)
                ticket.changed.clear()
                if self.watcher.stop.is_set():
                    raise Abandoned("stopped waiting")
                if ticket.error is not None:
                    raise ticket.error
                if ticket.status != status:
                    status = ticket.status
                    ended = not status.endswith("_IN_PROGRESS")
                    gone = ticket.gone or status == "DELETE_COMPLETE"
                    if ended and defer and (status in GOOD or deleting and gone):
                        with self._guard:
                            self._pending[name] = (events_of or key, seen, on_event)
                    elif status not in STARTS:
                        self._operation_events(events_of or key, name, seen, on_event)
                    if ended:
                        return None if gone else ticket.stack
                if time.monotonic() > deadline:
                    raise DeployError(f"{name} is still {status}",
                                      "wait for it to finish, then run ws deploy again")
        finally:
            self.watcher.done(ticket)

    def report_events(self, name: str) -> None:
        """Report the events of stack `name`'s last operation if they were left for later; a
        read that fails says so in a line (the stack did deploy: that is not a failure)."""
        with self._guard:
            pending = self._pending.pop(name, None)
        if pending is None:
            return
        stack_id, seen, on_event = pending
        try:
            self._operation_events(stack_id, name, seen, on_event)
        except (ClientError, BotoCoreError) as exc:
            reason = message_of(exc) if isinstance(exc, ClientError) else str(exc)
            on_event(f"its events could not be read: {reason}")

    def _operation_events(self, stack_id: str, name: str, seen: set[str],
                          on_event: OnEvent) -> None:
        """Report this operation's events not reported yet: the newest back to the stack's
        own event that began the operation (older ones belong to earlier operations)."""
        fresh = []
        for event in self._this_operation(stack_id, name):
            if event["EventId"] in seen:
                break
            fresh.append(event)
        seen.update(e["EventId"] for e in fresh)
        _tell(reversed(fresh), on_event)

    def _this_operation(self, stack_id: str, name: str) -> Iterator[dict[str, Any]]:
        """The stack's events, newest first, back to the stack's own event that began its last
        operation (older ones belong to earlier operations), page after page (CloudFormation
        returns about 100 a page: a large stack's create or rollback has more)."""
        token = None
        while True:
            page = self.cfn.describe_stack_events(StackName=stack_id,
                                                  **({"NextToken": token} if token else {}))
            for event in page["StackEvents"]:
                yield event
                if event["LogicalResourceId"] == name and event["ResourceStatus"] in STARTS:
                    return
            token = page.get("NextToken")
            if not token:
                return

    def _report_events(self, stack_id: str, seen: set[str], on_event: OnEvent) -> None:
        events = self.cfn.describe_stack_events(StackName=stack_id)["StackEvents"]
        fresh = [e for e in events if e["EventId"] not in seen]
        first_poll = not seen
        seen.update(e["EventId"] for e in events)
        if first_poll:
            fresh = fresh[:1]  # older events belong to earlier operations
        _tell(reversed(fresh), on_event)

    def _failure(self, stack_id: str, status: str,
                 stack: dict[str, Any] | None = None) -> str:
        """Why the stack ended in `status`: the first failed resource and its reason, else the
        stack's own StackStatusReason, never the bare status alone when either says more."""
        name = (stack or {}).get("StackName") or _name_in(stack_id)
        failed = [e for e in self._this_operation(stack_id, name)
                  if e["ResourceStatus"].endswith("_FAILED") and e.get("ResourceStatusReason")]
        if failed:  # of this operation only: an earlier one's failure is not this one's cause
            first = failed[-1]  # events are newest first; the earliest failure is the cause
            return f"{status}: {first['LogicalResourceId']} {first['ResourceStatus']}: " \
                f"{first['ResourceStatusReason']}"
        reason = (stack or {}).get("StackStatusReason") or ""
        return f"{status}: {reason}" if reason else status


def _name_in(stack_id: str) -> str:
    """The stack name in a stack id (arn:...:stack/NAME/UUID), or the name itself."""
    return stack_id.split("/")[1] if stack_id.startswith("arn:") else stack_id


def _tell(events: Iterable[dict[str, Any]], on_event: OnEvent) -> None:
    """One line per event, oldest first: resource, status and reason."""
    for event in events:
        reason = event.get("ResourceStatusReason")
        on_event(f"{event['LogicalResourceId']} {event['ResourceStatus']}"
                 + (f": {reason}" if reason else ""))
