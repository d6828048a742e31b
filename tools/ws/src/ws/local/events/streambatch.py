"""Decisions on one batch, on plain data: which records a mapping's FilterCriteria keep
(streams and SQS), and where a function's answer asks a stream batch to resume
(ReportBatchItemFailures)."""
from __future__ import annotations

import base64
import json
from datetime import datetime, timezone
from typing import Any

from ws.local.events import patterns


def filters_of(criteria: dict[str, Any] | None) -> list[dict[str, Any]]:
    """The patterns of a mapping's FilterCriteria."""
    found = []
    for item in (criteria or {}).get("Filters") or []:
        pattern = item.get("Pattern")
        found.append(json.loads(pattern) if isinstance(pattern, str) else pattern)
    return found


def filterable(record: dict[str, Any]) -> dict[str, Any]:
    """A record as Lambda's event filtering sees it: an SQS body decoded when it is JSON; a
    Kinesis record's fields at the top, with its data decoded (JSON when it is JSON)."""
    if record.get("eventSource") == "aws:sqs":
        try:
            return {**record, "body": json.loads(record.get("body") or "")}
        except ValueError:
            return record
    if "kinesis" not in record:
        return record
    shaped = {k: v for k, v in record.items() if k != "kinesis"}
    shaped.update(record["kinesis"])
    try:
        text = base64.b64decode(shaped.get("data") or "").decode()
        shaped["data"] = json.loads(text)
    except ValueError:
        shaped["data"] = shaped.get("data")
    return shaped


def kept(criteria: dict[str, Any] | None, records: list[dict[str, Any]]) -> list[bool]:
    """For each record, whether the FilterCriteria keep it (all kept without filters)."""
    filters = filters_of(criteria)
    return [not filters or any(patterns.matches(p, filterable(r)) for p in filters)
            for r in records]


def resume_at(sequences: list[str], error: bool, payload: bytes, reports: bool) -> int | None:
    """None when the batch succeeded; else the index to retry from (0: the whole batch).
    With ReportBatchItemFailures, the lowest reported item; an answer that names a record not
    in the batch, or cannot be read, fails the whole batch (as Lambda does)."""
    if error:
        return 0
    if not reports:
        return None
    try:
        answer = json.loads(payload or b"null")
    except ValueError:
        return 0
    if not answer:
        return None
    items = answer.get("batchItemFailures") if isinstance(answer, dict) else 0
    if not items:
        return None if items in (None, []) else 0
    try:
        named = [item["itemIdentifier"] for item in items]
        return min(sequences.index(str(name)) for name in named)
    except (KeyError, TypeError, ValueError):
        return 0


def failure_record(function_arn: str, request_id: str, count: int, kind: str,
                   info: dict[str, Any]) -> dict[str, Any]:
    """What an OnFailure destination receives for a stream batch that was skipped; `kind` is
    DDBStreamBatchInfo or KinesisBatchInfo."""
    return {"requestContext": {"requestId": request_id, "functionArn": function_arn,
                               "condition": "RetryAttemptsExhausted",
                               "approximateInvokeCount": count},
            "responseContext": {"statusCode": 200, "executedVersion": "$LATEST",
                                "functionError": "Unhandled"},
            "version": "1.0",
            "timestamp": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z",
            kind: info}
