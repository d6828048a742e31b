"""A bucket's notification configurations: which events and keys they take, and the
CloudFormation property (NotificationConfiguration) applied to moto's bucket."""
from __future__ import annotations

import fnmatch
from typing import Any

from moto.s3.models import FakeBucket

_KINDS = (("LambdaConfigurations", "CloudFunctionConfiguration", "Function", "CloudFunction"),
          ("QueueConfigurations", "QueueConfiguration", "Queue", "Queue"),
          ("TopicConfigurations", "TopicConfiguration", "Topic", "Topic"))


def matches(events: list[str], filters: dict[str, Any], name: str, key: str) -> bool:
    """Whether a configuration for `events` (s3:ObjectCreated:*, ...) and its key filter
    (prefix/suffix rules, names in any case) takes event `name` on `key`."""
    if not any(fnmatch.fnmatchcase(name, pattern) for pattern in events):
        return False
    rules = (filters or {}).get("S3Key", {}).get("FilterRule") or []
    for rule in rules if isinstance(rules, list) else [rules]:
        kind, value = str(rule.get("Name", "")).lower(), str(rule.get("Value", ""))
        if (kind == "prefix" and not key.startswith(value)) or \
                (kind == "suffix" and not key.endswith(value)):
            return False
    return True


def from_template(props: dict[str, Any]) -> dict[str, Any]:
    """CloudFormation's NotificationConfiguration as moto's PutBucketNotification takes it."""
    config: dict[str, Any] = {}
    for cfn_key, api_key, arn_key, api_arn in _KINDS:
        entries = []
        for item in props.get(cfn_key) or []:
            entry = {api_arn: item[arn_key], "Event": [item["Event"]]}
            rules = ((item.get("Filter") or {}).get("S3Key") or {}).get("Rules") or []
            if rules:
                entry["Filter"] = {"S3Key": {"FilterRule": [
                    {"Name": r["Name"], "Value": r["Value"]} for r in rules]}}
            entries.append(entry)
        if entries:
            config[api_key] = entries
    if str((props.get("EventBridgeConfiguration") or {}).get("EventBridgeEnabled")).lower() \
            == "true":
        config["EventBridgeConfiguration"] = {}
    return config


def _applied(step: Any) -> Any:
    def run(cls: Any, *args: Any, **kwargs: Any) -> Any:
        bucket = step(*args, **kwargs)
        cloudformation_json = args[1] if len(args) > 1 else kwargs.get("cloudformation_json")
        props = (cloudformation_json or {}).get("Properties") or {}
        bucket.set_notification_configuration(
            from_template(props.get("NotificationConfiguration") or {}))
        return bucket
    return classmethod(run)


def install() -> None:
    """Buckets made or updated by CloudFormation take their NotificationConfiguration."""
    FakeBucket.create_from_cloudformation_json = _applied(  # type: ignore[method-assign]
        FakeBucket.create_from_cloudformation_json)
    FakeBucket.update_from_cloudformation_json = _applied(  # type: ignore[method-assign]
        FakeBucket.update_from_cloudformation_json)
