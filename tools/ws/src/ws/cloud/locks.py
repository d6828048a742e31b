"""One run at a time per stack of an environment (per owner): leases in a DynamoDB table every
runner sees. A whole-environment run holds every stack's lease; CI jobs deploying disjoint
groups of stacks (ws plan --format matrix) run side by side.

The protocol (that of the AWS DynamoDB lock client, awslabs/amazon-dynamodb-lock-client):
- A lock is an item written with a conditional put (only if absent). It records its holder's
  run token, a `version` and its `lease` (seconds).
- The holder renews every lease/3, from its first acquisition on, by writing a new `version`
  (conditional on its token). A renewal that finds the item gone or another token, or that
  has not succeeded for a whole lease, marks the lock lost: the run starts nothing new and fails.
- A waiter never compares its clock with the holder's: it watches the version. When the
  version has not changed for a whole lease by the waiter's own (monotonic) clock, the holder
  is dead, and the waiter takes the lock with a put conditional on that very version. It reads
  every lock it waits for at once, so a dead run's locks lapse together (takeover.py); one
  whose process is provably gone from this host is taken over at once.
- Release deletes the item conditional on the holder's token. `ws unlock` deletes only the
  locks it showed, each conditional on the version it showed (a live holder's has moved on).
- `expires` (holder's clock + lease + a day) only lets DynamoDB's TTL sweep forgotten items.
- A run takes all its locks in one TransactWriteItems (the same conditional puts, all or none;
  more than 100 keys: one transaction per 100, in sorted order), renews and releases them the
  same way (but a stack's lock as soon as the stack is done, with the per-lock delete); a
  transaction refused because one lock is held (or lost) falls back to the per-lock protocol
  above for those keys, still in sorted order.
leases.py holds, renews and gives back a run's locks; lockholder.py says who holds one; this
module is the table.
"""
from __future__ import annotations

import time
import uuid
from typing import Any, Callable

from botocore.exceptions import ClientError

from ws.cloud.lockholder import Holder
from ws.config.environment import Environment
from ws.config.workspace import Workspace
from ws.errors import EXIT_LOCKED, WsError

TABLE = "ws-locks"
TRANSACTION_ITEMS = 100  # DynamoDB's limit of items per TransactWriteItems
CONFLICT_TRIES = 3  # a write that meets another run's transaction on the item is tried again
CLEANUP_AFTER = 86400.0  # DynamoDB TTL may delete an item this long after its lease


class LockError(WsError):
    """The environment stayed locked by another run for longer than --lock-timeout."""

    exit_code = EXIT_LOCKED


def lock_id(ws: Workspace, env: Environment) -> str:
    """The environment's (and owner's) prefix of its stacks' lock keys."""
    return "/".join([ws.name, env.name] + ([env.owner] if env.owner else []))


def stack_keys(ws: Workspace, env: Environment, stacks: list[str]) -> list[str]:
    return [f"{lock_id(ws, env)}/{stack}" for stack in stacks]


class LockTable:
    """The lock items of one account and region. `clock` is only written (for people and
    DynamoDB's TTL); waiting and expiry use `monotonic`, this process's own clock."""

    def __init__(self, dynamodb: Any, clock: Callable[[], float] = time.time,
                 sleep: Callable[[float], None] = time.sleep,
                 monotonic: Callable[[], float] = time.monotonic) -> None:
        self.db, self.clock, self.sleep, self.monotonic = dynamodb, clock, sleep, monotonic

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
        try:  # DynamoDB sweeps forgotten items itself (eventually)
            self.db.update_time_to_live(TableName=TABLE, TimeToLiveSpecification={
                "Enabled": True, "AttributeName": "expires"})
        except ClientError:
            pass  # already enabled, or being enabled by another run

    def try_acquire(self, key: str, holder: Holder, token: str, ttl: float) -> Holder | None:
        """None when acquired (the lock was free); else its current holder, or `holder`
        itself when it was released in between (try again)."""
        if self._put(key, holder, token, ttl, "attribute_not_exists(id)", {}):
            return None
        item = self._item(key)
        if item is not None and item.get("token", {}).get("S") == token:
            return None  # ours: the put succeeded, its answer was lost and botocore retried it
        return _holder(item) if item else holder

    def take_over(self, key: str, holder: Holder, token: str, ttl: float, version: str) -> bool:
        """Take a lock whose holder stopped renewing: only if it is still at `version`."""
        return self._put(key, holder, token, ttl, "#v = :seen", {":seen": {"S": version}})

    def _put(self, key: str, holder: Holder, token: str, ttl: float, condition: str,
             values: dict[str, Any]) -> bool:
        extra = {"ExpressionAttributeValues": values} if values else {}
        names = {"ExpressionAttributeNames": {"#v": "version"}} if "#v" in condition else {}
        try:
            self.db.put_item(TableName=TABLE, Item=_item(key, holder, token, ttl, self.clock()),
                             ConditionExpression=condition, **names, **extra)
            return True
        except (self.db.exceptions.ConditionalCheckFailedException,
                self.db.exceptions.TransactionConflictException):  # the holder's transaction
            return False  # (a renewal) is writing it: held, as the caller will read

    def acquire_all(self, keys: list[str], holder: Holder, token: str, ttl: float) -> bool:
        """Take every lock in `keys` (at most TRANSACTION_ITEMS) in one transaction, only if
        all are free; False (nothing taken) if any is held. Creates the table if missing."""
        now = self.clock()
        return self._transact([{"Put": {"TableName": TABLE, "Item": _item(k, holder, token, ttl, now),
                                        "ConditionExpression": "attribute_not_exists(id)"}}
                               for k in keys], create=True)

    def take_over_all(self, seen: dict[str, str], holder: Holder, token: str,
                      ttl: float) -> bool:
        """Take over every lock in `seen` ({key: version}, at most TRANSACTION_ITEMS) in one
        transaction, only if each is still at the version seen; False (none taken) if not."""
        now = self.clock()
        return self._transact([{"Put": {
            "TableName": TABLE, "Item": _item(key, holder, token, ttl, now),
            "ConditionExpression": "#v = :seen", "ExpressionAttributeNames": {"#v": "version"},
            "ExpressionAttributeValues": {":seen": {"S": version}}}}
            for key, version in seen.items()])

    def renew_all(self, keys: list[str], token: str, ttl: float) -> bool:
        """Renew every lock in `keys` in one transaction; False (none renewed) if one is not
        ours any more: renew them one by one to learn which."""
        return self._transact([{"Update": {"TableName": TABLE, **_renewal(k, token, ttl,
                                                                           self.clock())}}
                               for k in keys])

    def release_all(self, keys: list[str], token: str) -> bool:
        """Release every lock in `keys` in one transaction; False (none released) if one is
        not ours any more: release them one by one."""
        return self._transact([{"Delete": {"TableName": TABLE, "Key": {"id": {"S": k}},
                                           "ConditionExpression": "#t = :t",
                                           "ExpressionAttributeNames": {"#t": "token"},
                                           "ExpressionAttributeValues": {":t": {"S": token}}}}
                               for k in keys])

    def _transact(self, items: list[dict[str, Any]], create: bool = False) -> bool:
        assert len(items) <= TRANSACTION_ITEMS
        try:
            self.db.transact_write_items(TransactItems=items)
            return True
        except self.db.exceptions.TransactionCanceledException:
            return False  # a condition failed (or a conflict): the caller goes key by key
        except self.db.exceptions.ResourceNotFoundException:
            if not create:
                raise
        self.ensure()  # the first run in this account and region
        return self._transact(items)

    def renew(self, key: str, token: str, ttl: float) -> bool:
        """Write a new version (so waiters see the holder alive); False if not ours any more."""
        try:
            self.db.update_item(TableName=TABLE, **_renewal(key, token, ttl, self.clock()))
            return True
        except self.db.exceptions.ConditionalCheckFailedException:
            return False  # broken with ws unlock, or taken over: the holder learns it here

    def release(self, key: str, token: str) -> None:
        self._delete_if(key, "token", token)  # False: not ours any more, nothing to give back

    def holder(self, key: str) -> Holder | None:
        item = self._item(key)
        return _holder(item) if item else None

    def _item(self, key: str) -> dict[str, Any] | None:
        return self.db.get_item(TableName=TABLE, Key={"id": {"S": key}},
                                ConsistentRead=True).get("Item")

    def read_all(self, keys: list[str]) -> list[Holder]:
        """The holders of those of `keys` that are held, in one consistent read per 100."""
        found: list[Holder] = []
        for start in range(0, len(keys), TRANSACTION_ITEMS):
            asked: dict[str, Any] = {TABLE: {"ConsistentRead": True, "Keys": [
                {"id": {"S": k}} for k in keys[start:start + TRANSACTION_ITEMS]]}}
            while asked:
                answer = self.db.batch_get_item(RequestItems=asked)
                found += [_holder(item) for item in answer["Responses"].get(TABLE, [])]
                asked = answer.get("UnprocessedKeys") or {}
                if asked:  # throttled: DynamoDB read only part of them
                    self.sleep(0.1)
        return found

    def holders(self, prefix: str) -> dict[str, Holder]:
        """Every lock whose key starts with `prefix`, by key (alive or not: only watching
        its version for a lease could tell)."""
        found = {}
        for page in self.db.get_paginator("scan").paginate(
                TableName=TABLE, ConsistentRead=True, FilterExpression="begins_with(id, :p)",
                ExpressionAttributeValues={":p": {"S": prefix}}):
            for item in page["Items"]:  # the scan read the items: no second read per lock
                found[item["id"]["S"]] = _holder(item)
        return found

    def break_lock(self, key: str, version: str) -> bool:
        """Delete a lock only if it is still at `version` (as shown); False if it moved on."""
        return self._delete_if(key, "version", version)

    def _delete_if(self, key: str, attribute: str, value: str) -> bool:
        """Delete the lock item only while its `attribute` is `value`; False if it is not."""
        for attempt in range(CONFLICT_TRIES):
            try:
                self.db.delete_item(TableName=TABLE, Key={"id": {"S": key}},
                                    ConditionExpression="#a = :v",
                                    ExpressionAttributeNames={"#a": attribute},
                                    ExpressionAttributeValues={":v": {"S": value}})
                return True
            except self.db.exceptions.ConditionalCheckFailedException:
                return False
            except self.db.exceptions.TransactionConflictException:  # another run's transaction
                if attempt == CONFLICT_TRIES - 1:  # (taking it, all or none) is on the item:
                    raise  # it fails on our lock; try again once it is done
                self.sleep(0.1 * (attempt + 1))
        return False


def _item(key: str, holder: Holder, token: str, ttl: float, now: float) -> dict[str, Any]:
    return {"id": {"S": key}, "token": {"S": token}, "version": {"S": uuid.uuid4().hex},
            "lease": {"N": str(ttl)}, "user": {"S": holder.user}, "host": {"S": holder.host},
            "pid": {"N": str(holder.pid)}, "since": {"N": str(holder.since)},
            "expires": {"N": str(int(now + ttl + CLEANUP_AFTER))},
            "job_url": {"S": holder.job_url}, "space": {"S": holder.space}}


def _renewal(key: str, token: str, ttl: float, now: float) -> dict[str, Any]:
    """An update writing a new version, conditional on the holder's token."""
    return {"Key": {"id": {"S": key}}, "UpdateExpression": "SET #v = :v, expires = :e, lease = :l",
            "ConditionExpression": "#t = :t",
            "ExpressionAttributeNames": {"#t": "token", "#v": "version"},
            "ExpressionAttributeValues": {":v": {"S": uuid.uuid4().hex}, ":l": {"N": str(ttl)},
                                          ":e": {"N": str(int(now + ttl + CLEANUP_AFTER))},
                                          ":t": {"S": token}}}


def _holder(item: dict[str, Any]) -> Holder:
    """The holder an item records (items of an older ws have no version: one that never
    changes, so they count as dead after a lease)."""
    return Holder(user=item.get("user", {}).get("S", "?"), host=item.get("host", {}).get("S", "?"),
                  pid=int(item.get("pid", {}).get("N", "0")),
                  since=float(item.get("since", {}).get("N", "0")),
                  job_url=item.get("job_url", {}).get("S", ""), key=item["id"]["S"],
                  space=item.get("space", {}).get("S", "?"),
                  version=item.get("version", {}).get("S", ""),
                  lease=float(item.get("lease", {}).get("N", "60")))
