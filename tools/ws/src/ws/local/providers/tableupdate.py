"""AWS::DynamoDB::Table updated in place, as CloudFormation does for what it updates without
replacing the table (indexes, billing, streams, attribute definitions). moto has no update for
the type: its table left the stack's resources on any change (`GetAtt OrdersTable` then failed),
though the table and its items were kept."""
from __future__ import annotations

from typing import Any

from moto.dynamodb.models import dynamodb_backends
from moto.dynamodb.models.table import Table

_REPLACING = ("KeySchema", "TableName", "LocalSecondaryIndexes")  # CloudFormation replaces


def _update(cls: type, original_resource: Table, new_resource_name: str,
            cloudformation_json: dict[str, Any], account_id: str, region_name: str) -> Table:
    backend = dynamodb_backends[account_id][region_name]
    new = cloudformation_json.get("Properties") or {}
    old = getattr(original_resource, "cf_properties", None)
    if old is None:  # made before this was installed: never replaced on a guess
        old = {**{key: new.get(key) for key in _REPLACING}, "StreamSpecification":
               new.get("StreamSpecification")}
    if any(old.get(key) != new.get(key) for key in _REPLACING):
        made = Table.create_from_cloudformation_json(new_resource_name, cloudformation_json,
                                                     account_id, region_name)
        backend.delete_table(name=original_resource.name)
        made.cf_properties = new
        return made
    table = original_resource
    table.attr = new.get("AttributeDefinitions", table.attr)
    backend.update_table_global_indexes(table, _index_changes(table, new))
    if new.get("StreamSpecification") != old.get("StreamSpecification"):
        table.set_stream_specification(new.get("StreamSpecification") or {"StreamEnabled": False})
    table.billing_mode = "PAY_PER_REQUEST" if new.get("BillingMode") == "PAY_PER_REQUEST" \
        else "PROVISIONED"
    table.cf_properties = new
    return table


def _index_changes(table: Table, props: dict[str, Any]) -> list[dict[str, Any]]:
    """GlobalSecondaryIndexUpdates that turn the table's indexes into the template's."""
    wanted = {i["IndexName"]: i for i in props.get("GlobalSecondaryIndexes") or []}
    have = {i.name for i in table.global_indexes}
    return [{"Delete": {"IndexName": name}} for name in sorted(have - set(wanted))] + \
        [{"Create": wanted[name]} for name in sorted(set(wanted) - have)]


def _create(original: Any) -> Any:
    def create(cls: type, resource_name: str, cloudformation_json: dict[str, Any],
               account_id: str, region_name: str, **kwargs: Any) -> Table:
        made = original(resource_name, cloudformation_json, account_id, region_name, **kwargs)
        made.cf_properties = cloudformation_json.get("Properties") or {}  # what updates compare
        return made
    return create


def install() -> None:
    """Give moto's Table an update (idempotent)."""
    if getattr(Table, "_ws_updates", False):
        return
    Table.create_from_cloudformation_json = classmethod(  # type: ignore[method-assign]
        _create(Table.create_from_cloudformation_json))
    Table.update_from_cloudformation_json = classmethod(_update)  # type: ignore[method-assign,assignment]
    Table._ws_updates = True  # type: ignore[attr-defined]
