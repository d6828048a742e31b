"""Scheduled rules as data: rate expressions and the event a schedule sends its targets."""
from __future__ import annotations

import json
import re
import uuid
from datetime import datetime, timezone
from typing import Any

from ws.errors import UsageError

_RATE = re.compile(r"^rate\(\s*(\d+)\s+(minute|minutes|hour|hours|day|days)\s*\)$")
_UNIT_SECONDS = {"minute": 60, "hour": 3600, "day": 86400}


def rate_seconds(expression: str) -> int:
    """The period of a ``rate(N unit)`` expression; cron and malformed ones are refused."""
    match = _RATE.match((expression or "").strip())
    if match is None:
        kind = "cron schedules are" if expression.strip().startswith("cron(") else \
            f"{expression!r} is"
        raise UsageError(f"{kind} not run on their schedule locally (only rate(...))",
                         "fire the rule with `ws local trigger --env local STACK.LogicalId`")
    count, unit = int(match[1]), match[2].rstrip("s")
    if count < 1:
        raise UsageError(f"{expression!r}: the rate must be at least 1")
    return count * _UNIT_SECONDS[unit]


def scheduled_event(rule_arn: str, account: str, region: str,
                    now: datetime | None = None) -> dict[str, Any]:
    """The event EventBridge sends a scheduled rule's targets."""
    when = (now or datetime.now(timezone.utc)).strftime("%Y-%m-%dT%H:%M:%SZ")
    return {"version": "0", "id": str(uuid.uuid4()), "detail-type": "Scheduled Event",
            "source": "aws.events", "account": account, "time": when, "region": region,
            "resources": [rule_arn], "detail": {}}


def target_payload(target: dict[str, Any], event: dict[str, Any]) -> str:
    """What a target receives: its constant Input when it has one, else the event."""
    constant = target.get("Input")
    return constant if constant else json.dumps(event)
