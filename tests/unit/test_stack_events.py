"""A stack operation's events: only this operation's (back to the stack's own event that began
it), page after page. The failure named is this operation's first, not an older one's.
Stubber, with CloudFormation's response shapes."""
from __future__ import annotations

from awsstub import NAME, NOW, STACK_ID, ops, stack


def event(n: int, logical: str, status: str, reason: str = "") -> dict:
    found = {"StackId": STACK_ID, "EventId": f"e{n}", "StackName": NAME,
             "LogicalResourceId": logical, "ResourceStatus": status, "Timestamp": NOW}
    return {**found, "ResourceStatusReason": reason} if reason else found


# newest first: today's update failed on New and rolled back; last week's failed on Old
TODAY = [event(9, NAME, "UPDATE_ROLLBACK_COMPLETE"),
         event(8, NAME, "UPDATE_ROLLBACK_IN_PROGRESS", "The following resource(s) failed"),
         event(7, "New", "UPDATE_FAILED", "today's reason"),
         event(6, NAME, "UPDATE_IN_PROGRESS", "User Initiated")]
LAST_WEEK = [event(5, NAME, "UPDATE_ROLLBACK_COMPLETE"),
             event(4, "Old", "UPDATE_FAILED", "last week's reason"),
             event(3, NAME, "UPDATE_IN_PROGRESS", "User Initiated")]


def test_the_failure_named_is_this_operations_own(cfn):
    cfn.stubber.add_response("describe_stack_events", {"StackEvents": TODAY + LAST_WEEK},
                             {"StackName": STACK_ID})
    reason = ops(cfn)._failure(STACK_ID, "UPDATE_ROLLBACK_COMPLETE",
                               stack("UPDATE_ROLLBACK_COMPLETE")["Stacks"][0])
    assert reason == "UPDATE_ROLLBACK_COMPLETE: New UPDATE_FAILED: today's reason"


def test_an_operation_with_more_events_than_a_page_is_read_to_its_start(cfn):
    """The cause of a large rollback is on the second page; every event is reported."""
    cfn.stubber.add_response("describe_stack_events", {"StackEvents": TODAY[:2],
                                                       "NextToken": "page2"},
                             {"StackName": STACK_ID})
    cfn.stubber.add_response("describe_stack_events", {"StackEvents": TODAY[2:] + LAST_WEEK},
                             {"StackName": STACK_ID, "NextToken": "page2"})
    said: list[str] = []
    ops(cfn)._operation_events(STACK_ID, NAME, set(), said.append)
    assert said == [f"{NAME} UPDATE_IN_PROGRESS: User Initiated",
                    "New UPDATE_FAILED: today's reason",
                    f"{NAME} UPDATE_ROLLBACK_IN_PROGRESS: The following resource(s) failed",
                    f"{NAME} UPDATE_ROLLBACK_COMPLETE"]
