"""Deleting a stack deletes its load balancers' listeners, rules and target groups.

moto's models of them have no delete: they outlived their stack, and a second deploy of a
template that names its target group failed ("A target group with the specified name already
exists"). A target group still used by a listener raises, and moto's deletion tries it again
after the listener; a listener already gone with its load balancer counts as deleted.
"""
from __future__ import annotations

from moto.elbv2.exceptions import ListenerNotFoundError, TargetGroupNotFoundError
from moto.elbv2.models import FakeListener, FakeListenerRule, FakeTargetGroup, elbv2_backends


def _listener(self: FakeListener, account_id: str, region: str) -> None:
    try:
        elbv2_backends[account_id][region].delete_listener(self.arn)
    except ListenerNotFoundError:
        pass  # gone with its load balancer


def _rule(self: FakeListenerRule, account_id: str, region: str) -> None:
    elbv2_backends[account_id][region].delete_rule(self.arn)


def _target_group(self: FakeTargetGroup, account_id: str, region: str) -> None:
    try:
        elbv2_backends[account_id][region].delete_target_group(self.arn)
    except TargetGroupNotFoundError:
        pass


DELETES = {FakeListener: _listener, FakeListenerRule: _rule, FakeTargetGroup: _target_group}


def install() -> None:
    """Give each of moto's load balancing models its delete (idempotent)."""
    for model, delete in DELETES.items():
        model.delete = delete
