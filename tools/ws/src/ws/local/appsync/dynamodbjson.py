"""Plain JSON values to DynamoDB's typed attribute values and back ($util.dynamodb)."""
from __future__ import annotations

from decimal import Decimal
from typing import Any


def to_dynamodb(value: Any) -> dict[str, Any]:
    """`value` as one typed attribute value ({"S": ...}, {"N": ...}, {"M": ...}...)."""
    if value is None:
        return {"NULL": True}
    if isinstance(value, bool):
        return {"BOOL": value}
    if isinstance(value, (int, float, Decimal)):
        return {"N": str(value)}
    if isinstance(value, dict):
        return {"M": to_map_values(value)}
    if isinstance(value, (list, tuple)):
        return {"L": [to_dynamodb(v) for v in value]}
    return {"S": str(value)}


def to_map_values(value: dict[str, Any]) -> dict[str, Any]:
    return {str(k): to_dynamodb(v) for k, v in value.items()}


def from_dynamodb(value: dict[str, Any]) -> Any:
    """The plain value of one typed attribute value."""
    kind, inner = next(iter(value.items()))
    if kind == "N":
        number = Decimal(inner)
        return int(number) if number == number.to_integral_value() else float(number)
    if kind == "M":
        return from_item(inner)
    if kind == "L":
        return [from_dynamodb(v) for v in inner]
    if kind in ("SS", "BS"):
        return list(inner)
    if kind == "NS":
        return [from_dynamodb({"N": v}) for v in inner]
    if kind == "NULL":
        return None
    return inner


def from_item(item: dict[str, Any] | None) -> dict[str, Any] | None:
    return None if item is None else {k: from_dynamodb(v) for k, v in item.items()}
