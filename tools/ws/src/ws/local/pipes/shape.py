"""What a pipe's enrichment and target receive: each record as JSON, or an InputTemplate filled
from it (<$.path> on the record, an SQS body or Kinesis data read as JSON; <aws.pipes.*>); a
template that is not JSON gives text, with string values unquoted."""
from __future__ import annotations

import json
import re
from datetime import datetime, timezone
from typing import Any

from ws.local.events import streambatch
from ws.local.events.transform import fill, select

_PATH = re.compile(r"<(\$[^<>]*)>")
_ANY = re.compile(r"<[^<>\s]*>")


def readable(record: dict[str, Any]) -> dict[str, Any]:
    """The record with an SQS body or Kinesis data decoded when it is JSON."""
    if "data" in record and "kinesis" not in record:
        shaped = streambatch.filterable({"kinesis": {"data": record["data"]}})
        return {**record, "data": shaped["data"]}
    return streambatch.filterable(record)


def rendered(template: str | None, record: dict[str, Any], pipe: Any) -> Any:
    """The value `template` makes of `record` (JSON when the text is JSON); the record itself
    without a template."""
    if not template:
        return record
    seen = readable(record)
    values: dict[str, Any] = {}

    def named(match: re.Match[str]) -> str:
        key = f"ws-path-{len(values)}"
        values[key] = select(seen, match[1])
        return f"<{key}>"

    text = _PATH.sub(named, template)
    values.update({"aws.pipes.pipe-arn": pipe.arn, "aws.pipes.pipe-name": pipe.name,
                   "aws.pipes.source-arn": pipe.source, "aws.pipes.target-arn": pipe.target,
                   "aws.pipes.enrichment-arn": pipe.enrichment or "",
                   "aws.pipes.event.ingestion-time":
                       datetime.now(timezone.utc).isoformat(timespec="milliseconds"),
                   "aws.pipes.event": record, "aws.pipes.event.json": json.dumps(record)})
    if not _is_json(template):  # plain text: each value as its text, a string unquoted
        return json.loads(fill(json.dumps(text), values))
    text = fill(text, values)
    try:
        return json.loads(text)
    except ValueError:
        return text


def _is_json(template: str) -> bool:
    try:
        json.loads(_ANY.sub("0", template))
    except ValueError:
        return False
    return True


def answered(payload: bytes) -> list[Any]:
    """An enrichment's answer as the batch it becomes (a list: its items; else one event)."""
    value = json.loads(payload or b"null")
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def text(value: Any) -> str:
    """A rendered value as the text sent (a string as it is)."""
    return value if isinstance(value, str) else json.dumps(value)
