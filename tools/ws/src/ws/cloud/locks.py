"""One run at a time per stack of an environment (per owner): leases in a DynamoDB table every
runner sees. A whole-environment run holds every stack's lease; CI jobs deploying disjoint
groups of stacks (ws plan --format matrix) run side by side.

A lease is an item written with a conditional put (absent or expired), renewed by a heartbeat
thread, and deleted on release only by its holder. A holder that dies stops renewing, so its
leases expire after `ttl` seconds; `ws unlock` breaks them on purpose.
"""
from __future__ import annotations

import getpass
import os
import socket
import threading
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Callable, Iterator

from botocore.exceptions import BotoCoreError, ClientError

from ws.config.environment import Environment
from ws.config.workspace import Workspace
from ws.errors import EXIT_LOCKED, WsError

TABLE = "ws-locks"


class LockError(WsError):
    """The environment stayed locked by another run for longer than --lock-timeout."""

    exit_code = EXIT_LOCKED


@dataclass(frozen=True)
class Holder:
    """Who holds a lock, as shown to whoever waits for it."""

    user: str
    host: str
    pid: int
    since: float
    expires: float
    job_url: str = ""
    key: str = ""  # the lock it holds

    def describe(self) -> str:
        since = time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime(self.since))
        job = f", job {self.job_url}" if self.job_url else ""
        return f"{self.user}@{self.host} (pid {self.pid}{job}) since {since}"


def lock_id(ws: Workspace, env: Environment) -> str:
    """The environment's (and owner's) prefix of its stacks' lock keys."""
    return "/".join([ws.name, env.name] + ([env.owner] if env.owner else []))


def stack_keys(ws: Workspace, env: Environment, stacks: list[str]) -> list[str]:
    return [f"{lock_id(ws, env)}/{stack}" for stack in stacks]


def me(clock: Callable[[], float] = time.time) -> Holder:
    return Holder(user=_user(), host=socket.gethostname(), pid=os.getpid(), since=clock(),
                  expires=0.0, job_url=_job_url())


class LockTable:
    """The lock items of one account and region."""

    def __init__(self, dynamodb: Any, clock: Callable[[], float] = time.time,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.db, self.clock, self.sleep = dynamodb, clock, sleep

    def ensure(self) -> None:
        """Create the table on first use (idempotent, safe when two runs race)."""
        try:
            self.db.describe_table(TableName=TABLE)
            return
        except self.db.exceptions.ResourceNotFoundException:
            pass
        try:
            self.db.create_table(TableName=TABLE, BillingMode="PAY_PER_REQUEST",
                                 AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
                                 KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}])
        except self.db.exceptions.ResourceInUseException:
            pass  # another run is creating it
        self.db.get_waiter("table_exists").wait(TableName=TABLE,
                                                WaiterConfig={"Delay": 1, "MaxAttempts": 60})
        try:  # DynamoDB removes expired items itself (eventually); ws checks expiry anyway
            self.db.update_time_to_live(TableName=TABLE, TimeToLiveSpecification={
                "Enabled": True, "AttributeName": "expires"})
        except ClientError:
            pass  # already enabled, or being enabled by another run

    def try_acquire(self, key: str, holder: Holder, token: str, ttl: float) -> Holder | None:
        """None when acquired; else the current holder."""
        now = self.clock()
        item = _item(key, holder, token, now + ttl)
        try:
            self.db.put_item(TableName=TABLE, Item=item,
                             ConditionExpression="attribute_not_exists(id) OR expires < :now",
                             ExpressionAttributeValues={":now": {"N": str(now)}})
            return None
        except self.db.exceptions.ConditionalCheckFailedException:
            return self.holder(key) or holder  # released in between: try again

    def renew(self, key: str, token: str, ttl: float) -> bool:
        try:
            self.db.update_item(TableName=TABLE, Key={"id": {"S": key}},
                                UpdateExpression="SET expires = :e",
                                ConditionExpression="#t = :t",
                                ExpressionAttributeNames={"#t": "token"},
                                ExpressionAttributeValues={":e": {"N": str(self.clock() + ttl)},
                                                           ":t": {"S": token}})
            return True
        except self.db.exceptions.ConditionalCheckFailedException:
            return False  # broken with ws unlock: the holder learns it here

    def release(self, key: str, token: str) -> None:
        try:
            self.db.delete_item(TableName=TABLE, Key={"id": {"S": key}},
                                ConditionExpression="#t = :t",
                                ExpressionAttributeNames={"#t": "token"},
                                ExpressionAttributeValues={":t": {"S": token}})
        except self.db.exceptions.ConditionalCheckFailedException:
            pass  # not ours any more

    def holder(self, key: str) -> Holder | None:
        item = self.db.get_item(TableName=TABLE, Key={"id": {"S": key}},
                                ConsistentRead=True).get("Item")
        return self._live(item) if item else None

    def _live(self, item: dict[str, Any]) -> Holder | None:
        """The holder an item records, unless its lease has expired."""
        if float(item["expires"]["N"]) < self.clock():
            return None
        return Holder(user=item["user"]["S"], host=item["host"]["S"], pid=int(item["pid"]["N"]),
                      since=float(item["since"]["N"]), expires=float(item["expires"]["N"]),
                      job_url=item.get("job_url", {}).get("S", ""), key=item["id"]["S"])

    def holders(self, prefix: str) -> dict[str, Holder]:
        """Live locks whose key starts with `prefix`, by key."""
        found = {}
        for page in self.db.get_paginator("scan").paginate(
                TableName=TABLE, ConsistentRead=True, FilterExpression="begins_with(id, :p)",
                ExpressionAttributeValues={":p": {"S": prefix}}):
            for item in page["Items"]:  # the scan read the items: no second read per lock
                holder = self._live(item)
                if holder is not None:
                    found[holder.key] = holder
        return found

    def break_lock(self, key: str) -> None:
        self.db.delete_item(TableName=TABLE, Key={"id": {"S": key}})


@contextmanager
def hold(table: LockTable, keys: list[str], *, timeout: float, ttl: float,
         on_wait: Callable[[Holder], None] = lambda holder: None) -> Iterator[None]:
    """Hold every lock in `keys` for the body (taken in sorted order, so two runs never
    deadlock): wait up to `timeout` seconds in all, renew every ttl/3, release at the end."""
    table.ensure()
    token, holder = uuid.uuid4().hex, me(table.clock)
    deadline = table.clock() + timeout
    held: list[str] = []
    stop = threading.Event()
    beat = threading.Thread(target=_heartbeat, args=(table, held, token, ttl, stop), daemon=True,
                            name="ws-lock-heartbeat")
    try:
        for key in sorted(set(keys)):
            _acquire(table, key, holder, token, ttl, deadline, on_wait)
            held.append(key)
        beat.start()
        yield
    finally:
        stop.set()
        if beat.is_alive():
            beat.join()
        for key in held:
            try:
                table.release(key, token)
            except (ClientError, BotoCoreError):
                pass  # the target is unreachable: the lock expires on its own after `ttl`


def _acquire(table: LockTable, key: str, holder: Holder, token: str, ttl: float,
             deadline: float, on_wait: Callable[[Holder], None]) -> None:
    told = None
    while (current := table.try_acquire(key, holder, token, ttl)) is not None:
        if told is None or (current.pid, current.since) != (told.pid, told.since):
            on_wait(current)
            told = current
        if table.clock() >= deadline:
            raise LockError(f"{key} is locked by {current.describe()}",
                            "wait and retry (--lock-timeout), or if that run is dead and you "
                            "cannot wait for its lock to expire: ws unlock")
        table.sleep(min(2.0, max(0.1, ttl / 10)))


def _heartbeat(table: LockTable, keys: list[str], token: str, ttl: float,
               stop: threading.Event) -> None:
    while not stop.wait(ttl / 3):
        for key in list(keys):
            try:
                if not table.renew(key, token, ttl):
                    keys.remove(key)  # broken with ws unlock: not ours any more
            except (ClientError, BotoCoreError):
                continue  # throttled or unreachable: the next renewal has ttl/3 to spare


def _item(key: str, holder: Holder, token: str, expires: float) -> dict[str, Any]:
    return {"id": {"S": key}, "token": {"S": token}, "user": {"S": holder.user},
            "host": {"S": holder.host}, "pid": {"N": str(holder.pid)},
            "since": {"N": str(holder.since)}, "expires": {"N": str(expires)},
            "job_url": {"S": holder.job_url}}


def _user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def _job_url() -> str:
    """The CI job running this, when the CI says (GitHub Actions, GitLab CI)."""
    env = os.environ
    if env.get("GITHUB_RUN_ID") and env.get("GITHUB_REPOSITORY"):
        server = env.get("GITHUB_SERVER_URL", "https://github.com")
        return f"{server}/{env['GITHUB_REPOSITORY']}/actions/runs/{env['GITHUB_RUN_ID']}"
    return env.get("CI_JOB_URL", "")
