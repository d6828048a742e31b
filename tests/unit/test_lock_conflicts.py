"""DynamoDB refuses a write on an item another transaction is writing
(TransactionConflictException, not retried by botocore): a waiter keeps waiting, a release
tries again, and one lock that cannot be given back does not keep the others. Stubber, with
DynamoDB's error shapes."""
from __future__ import annotations

import boto3
import pytest
from botocore.stub import ANY, Stubber

from ws.cloud.leases import _release
from ws.cloud.lockholder import Holder
from ws.cloud.locks import LockTable

ME = Holder(user="me", host="here", pid=1, since=0.0)
ITEM = {"id": {"S": "demo/prod/db"}, "token": {"S": "theirs"}, "version": {"S": "v1"},
        "lease": {"N": "60"}, "user": {"S": "ci"}, "host": {"S": "runner"}, "pid": {"N": "7"},
        "since": {"N": "1"}, "expires": {"N": "2"}, "job_url": {"S": ""}}


@pytest.fixture
def db():
    client = boto3.client("dynamodb", region_name="us-east-1", aws_access_key_id="x",
                          aws_secret_access_key="x")
    with Stubber(client) as stubber:
        client.stubber = stubber
        yield client
        stubber.assert_no_pending_responses()


def conflict(db, operation):
    db.stubber.add_client_error(operation, "TransactionConflictException",
                                "Transaction is ongoing for the item", 400)


def test_a_waiter_meeting_the_holders_renewal_reads_the_holder_and_waits(db):
    conflict(db, "put_item")
    db.stubber.add_response("get_item", {"Item": ITEM})
    found = LockTable(db).try_acquire("demo/prod/db", ME, "mine", 60)
    assert found is not None and (found.user, found.pid) == ("ci", 7)


def test_a_release_that_meets_a_transaction_tries_again(db):
    conflict(db, "delete_item")
    db.stubber.add_response("delete_item", {})
    pauses: list[float] = []
    LockTable(db, sleep=pauses.append).release("demo/prod/db", "mine")
    assert pauses == [0.1]


def test_one_lock_that_cannot_be_released_does_not_keep_the_others(db):
    db.stubber.add_client_error("transact_write_items", "InternalServerError", "oops", 500)
    for _ in range(3):
        conflict(db, "delete_item")  # a: refused each time
    db.stubber.add_response("delete_item", {}, {"TableName": ANY, "Key": {"id": {"S": "b"}},
                                                "ConditionExpression": ANY,
                                                "ExpressionAttributeNames": ANY,
                                                "ExpressionAttributeValues": ANY})
    _release(LockTable(db, sleep=lambda s: None), ["a", "b"], "mine")


def test_a_put_whose_answer_was_lost_is_found_to_be_ours(db):
    """botocore retried a PutItem that had succeeded: the retry's condition fails on our own
    item, which is then ours (the run does not wait a lease for itself)."""
    db.stubber.add_client_error("put_item", "ConditionalCheckFailedException", "exists", 400)
    db.stubber.add_response("get_item", {"Item": {**ITEM, "token": {"S": "mine"}}})
    assert LockTable(db).try_acquire("demo/prod/db", ME, "mine", 60) is None


def test_a_holder_is_provably_dead_only_in_this_boot_and_pid_namespace():
    """Containers may share the host name (--uts=host) but not their pids: a pid that is gone
    here proves nothing of a holder in another namespace."""
    import dataclasses
    import socket
    import subprocess
    import sys

    from ws.cloud.lockholder import namespace

    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True).stdout.strip()
    here = Holder(user="ci", host=socket.gethostname(), pid=int(gone), since=0.0,
                  space=namespace())
    assert here.dead_here()
    assert not dataclasses.replace(here, space="another-boot/pid:[1]").dead_here()
    assert not dataclasses.replace(here, space="?").dead_here()  # an older ws's: unknown


def test_a_lock_table_policy_without_batch_reads_still_lets_a_waiter_wait(db):
    """The waiter's first read of all the locks it waits for is refused (an IAM policy from
    before ws read them at once): it goes on, judging each lock from when it reads it."""
    from ws.cloud.leases import _Waiter

    db.stubber.add_client_error("batch_get_item", "AccessDeniedException", "not allowed", 400)
    waiter = _Waiter(LockTable(db, monotonic=lambda: 5.0), ME, "mine", 60, 0.0,
                     lambda holder: None, lambda holder, why: None)
    waiter.look(["demo/prod/db"])
    assert waiter.watch.seen == {}
