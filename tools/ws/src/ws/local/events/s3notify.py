"""S3 event notifications -> Lambda, SQS, SNS and EventBridge, on the router's threads.

moto sends notifications inside PutObject/DeleteObject (a function runs before the upload
answers) with a thinner record, and ignores a bucket's NotificationConfiguration given to
CloudFormation (SAM's S3 events are made that way). Here the upload only hands the event to
the router, which matches each configuration's events and prefix/suffix filter and delivers
S3's record; an EventBridge-enabled bucket sends "Object Created"/"Object Deleted" events to
the default bus.
"""
from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any
from urllib.parse import quote_plus

from moto.events.models import events_backends
from moto.s3 import notifications
from moto.s3.models import s3_backends

from ws.local.events import bus, s3config
from ws.local.events.router import Router
from ws.local.events.targets import AsyncInvoke, Delivery, deliver


@dataclass(frozen=True)
class ObjectEvent:
    """What happened to which object (copied when it happened)."""

    account: str
    name: str  # s3:ObjectCreated:Put
    bucket: str
    bucket_arn: str
    region: str
    key: str
    size: int
    etag: str
    version_id: str | None
    time: datetime


def record(event: ObjectEvent, configuration_id: str) -> dict[str, Any]:
    """S3's notification record for one configuration."""
    obj = {"key": quote_plus(event.key, safe="/"), "size": event.size, "eTag": event.etag,
           "sequencer": f"{int(event.time.timestamp() * 1e6):016X}"}
    if event.version_id and event.version_id != "null":
        obj["versionId"] = event.version_id
    return {"Records": [{
        "eventVersion": "2.1", "eventSource": "aws:s3", "awsRegion": event.region,
        "eventTime": event.time.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z",
        "eventName": event.name.removeprefix("s3:"),
        "userIdentity": {"principalId": f"AWS:{event.account}"},
        "requestParameters": {"sourceIPAddress": "127.0.0.1"},
        "responseElements": {"x-amz-request-id": uuid.uuid4().hex[:16].upper(),
                             "x-amz-id-2": uuid.uuid4().hex},
        "s3": {"s3SchemaVersion": "1.0", "configurationId": configuration_id,
               "bucket": {"name": event.bucket, "arn": event.bucket_arn,
                          "ownerIdentity": {"principalId": event.account}},
               "object": obj}}]}


_REASONS = {"ObjectCreated:Put": "PutObject", "ObjectCreated:Post": "POST Object",
            "ObjectCreated:Copy": "CopyObject", "ObjectRemoved:Delete": "DeleteObject",
            "ObjectCreated:CompleteMultipartUpload": "CompleteMultipartUpload",
            "ObjectRemoved:DeleteMarkerCreated": "DeleteObject"}


def bridge_event(event: ObjectEvent) -> dict[str, Any]:
    """The EventBridge event of an EventBridge-enabled bucket."""
    detail_type = notifications._detail_type(event.name)
    short = event.name.removeprefix("s3:")
    return {"version": "0", "id": str(uuid.uuid4()), "detail-type": detail_type,
            "source": "aws.s3", "account": event.account,
            "time": event.time.strftime("%Y-%m-%dT%H:%M:%SZ"), "region": event.region,
            "resources": [event.bucket_arn],
            "detail": {"version": "0", "bucket": {"name": event.bucket},
                       "object": {"key": event.key, "size": event.size, "etag": event.etag,
                                  "version-id": event.version_id,
                                  "sequencer": f"{int(event.time.timestamp() * 1e6):016X}"},
                       "request-id": uuid.uuid4().hex[:16].upper(),
                       "requester": event.account, "source-ip-address": "127.0.0.1",
                       "reason": _REASONS.get(short, short.split(":")[0])}}


def notify(config: Any, event: ObjectEvent, invoke_async: AsyncInvoke) -> None:
    """Deliver `event` to every matching configuration of the bucket."""
    source = f"bucket {event.bucket} {event.name.removeprefix('s3:')} {event.key}"
    for kind in ("cloud_function", "queue", "topic"):
        for entry in getattr(config, kind):
            if s3config.matches(entry.events, entry.filters, event.name, event.key):
                text = json.dumps(record(event, entry.id))
                deliver(Delivery(entry.arn, text, source), invoke_async)
    if config.event_bridge is not None:
        default = events_backends[event.account][event.region].event_buses.get("default")
        for rule in list(default.rules.values()) if default else []:
            bus.route(rule, bridge_event(event), invoke_async)


def _empty_tagging(account_id: str, event_name: Any, key: Any) -> bool:
    """moto writes an empty tag set on every PutObject, with an ObjectTagging:Put event that
    S3 does not send."""
    if event_name != notifications.S3NotificationEvent.OBJECT_TAGGING_PUT_EVENT:
        return False
    backend = s3_backends[account_id][key.partition]
    return not backend.tagger.list_tags_for_resource(key.arn).get("Tags")


def install(router: Router, invoke_async: AsyncInvoke) -> None:
    """Make moto's S3 hand its notifications to `router`; apply CloudFormation's
    NotificationConfiguration."""

    def send_event(account_id: str, event_name: Any, bucket: Any, key: Any) -> None:
        config = bucket.notification_configuration
        if config is None or _empty_tagging(account_id, event_name, key):
            return
        event = ObjectEvent(account_id, str(getattr(event_name, "value", event_name)),
                            bucket.name, bucket.arn, bucket.region_name, key.name,
                            int(key.size or 0), key.etag.replace('"', ""),
                            getattr(key, "version_id", None), datetime.now(timezone.utc))
        router.submit(f"bucket {bucket.name}", lambda: notify(config, event, invoke_async))

    notifications.send_event = send_event
    s3config.install()

