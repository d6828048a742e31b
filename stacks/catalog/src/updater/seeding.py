"""The catalog's seeding custom resource: upsert the seed list on Create, and on Update when the
seed changed (its SeedSha256 property); never delete products (Delete does nothing); always
answer CloudFormation, failures included, so a stack never waits for a reply that won't come."""
from __future__ import annotations

import logging
from datetime import datetime, timezone
from typing import Callable

import catalog_items
import cfn_response

LOG = logging.getLogger(__name__)


def is_request(event: object) -> bool:
    """Whether `event` is a CloudFormation custom resource request."""
    return isinstance(event, dict) and {"RequestType", "ResponseURL"} <= set(event)


def apply(event: dict, table) -> dict:
    """What the request asks of the catalog; returns the resource's Data."""
    kind = event["RequestType"]
    if kind == "Delete":
        return {}
    if kind not in ("Create", "Update"):
        raise ValueError(f"unknown RequestType {kind!r}")
    wanted = (event.get("ResourceProperties") or {}).get("SeedSha256")
    if wanted != catalog_items.seed_sha256():
        LOG.warning("SeedSha256 %s is not the shipped seed's digest %s: update the template",
                    wanted, catalog_items.seed_sha256())
    previous = (event.get("OldResourceProperties") or {}).get("SeedSha256")
    if kind == "Update" and previous == wanted:
        return {"Count": 0, "Skipped": 0}  # another property changed: the seed did not
    result = catalog_items.upsert(table, catalog_items.seed(), datetime.now(timezone.utc))
    return {"Count": result["count"], "Skipped": result["skipped"]}


def on_request(event: dict, context, table: Callable[[], object]) -> dict:
    """Handle the request and answer CloudFormation (SUCCESS, or FAILED with the reason)."""
    physical_id = event.get("PhysicalResourceId") or f"catalog-seed-{event['LogicalResourceId']}"
    try:
        data = apply(event, table())
    except Exception as exc:  # every failure must reach CloudFormation as FAILED
        LOG.exception("seeding failed")
        stream = getattr(context, "log_stream_name", None)
        where = f" (log stream {stream})" if stream else ""
        cfn_response.send(event, "FAILED", f"{type(exc).__name__}: {exc}{where}", physical_id)
        return {"Status": "FAILED"}
    cfn_response.send(event, "SUCCESS", "seeded" if data else "nothing to do", physical_id,
                      data)
    return {"Status": "SUCCESS", **data}
