"""EventBridge event patterns (and SNS filter policies, their subset) matched as AWS matches.

A pattern is a dict of field -> filter list or nested pattern (and ``$or``: a list of
patterns). A filter list matches when any filter matches; where the event's value is an
array, when any element does. Filters: exact values (strings, numbers compared as numbers,
booleans, null), ``prefix``, ``suffix``, ``equals-ignore-case``, ``wildcard``,
``anything-but`` (a value, a list, or a prefix/suffix/equals-ignore-case/wildcard), ``numeric``,
``exists`` and ``cidr``. A missing field matches only ``exists: false``.
"""
from __future__ import annotations

import ipaddress
import operator
import re
from typing import Any, Callable

MISSING = object()
_NUMERIC: dict[str, Callable[[float, float], bool]] = {
    "<": operator.lt, "<=": operator.le, "=": operator.eq, ">=": operator.ge, ">": operator.gt}


def matches(pattern: dict[str, Any], event: Any) -> bool:
    """Whether `event` (a decoded JSON document) matches `pattern`."""
    if not isinstance(pattern, dict):
        return False
    return all(_field(key, spec, event) for key, spec in pattern.items())


def _field(key: str, spec: Any, event: Any) -> bool:
    if key == "$or":
        return isinstance(spec, list) and any(matches(p, event) for p in spec)
    value = event.get(key, MISSING) if isinstance(event, dict) else MISSING
    if isinstance(spec, dict):
        if isinstance(value, list):
            return any(matches(spec, item) for item in value if isinstance(item, dict))
        return isinstance(value, dict) and matches(spec, value)
    if not isinstance(spec, list):
        return False
    return any(_filter(f, value) for f in spec)


def _filter(rule: Any, value: Any) -> bool:
    """One filter of a list against the event's value (an array: any element)."""
    if isinstance(rule, dict) and len(rule) == 1:
        name, arg = next(iter(rule.items()))
        if name == "exists":
            return (value is not MISSING and value != []) == bool(arg)
        if name == "anything-but":
            return value is not MISSING and _anything_but(arg, value)
    if value is MISSING:
        return False
    if isinstance(value, list):
        return any(_one(rule, item) for item in value)
    return _one(rule, value)


def _anything_but(arg: Any, value: Any) -> bool:
    items = value if isinstance(value, list) else [value]
    if isinstance(arg, dict):
        return not any(_one(arg, item) for item in items)
    excluded = arg if isinstance(arg, list) else [arg]
    return not any(_equal(e, item) for e in excluded for item in items)


def _one(rule: Any, value: Any) -> bool:
    """A filter against one scalar value of the event."""
    if not isinstance(rule, dict):
        return _equal(rule, value)
    if len(rule) != 1:
        return False
    name, arg = next(iter(rule.items()))
    test = _NAMED.get(name)
    return bool(test and test(arg, value))


def _equal(expected: Any, value: Any) -> bool:
    if isinstance(expected, bool) or isinstance(value, bool):
        return type(expected) is type(value) and expected == value
    if _is_number(expected) and _is_number(value):
        return float(expected) == float(value)
    return type(expected) is type(value) and expected == value


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _text_test(compare: Callable[[str, str], bool]) -> Callable[[Any, Any], bool]:
    """prefix/suffix: a string, or {"equals-ignore-case": string}."""
    def test(arg: Any, value: Any) -> bool:
        if not isinstance(value, str):
            return False
        if isinstance(arg, dict) and "equals-ignore-case" in arg:
            return compare(value.lower(), str(arg["equals-ignore-case"]).lower())
        return isinstance(arg, str) and compare(value, arg)
    return test


def _ignore_case(arg: Any, value: Any) -> bool:
    options = arg if isinstance(arg, list) else [arg]
    return isinstance(value, str) and any(
        isinstance(o, str) and o.lower() == value.lower() for o in options)


def _wildcard(arg: Any, value: Any) -> bool:
    if not isinstance(value, str) or not isinstance(arg, str):
        return False
    parts = re.split(r"(?<!\\)\*", arg)
    regex = ".*".join(re.escape(p.replace("\\*", "*")) for p in parts)
    return re.fullmatch(regex, value, re.DOTALL) is not None


def _numeric(arg: Any, value: Any) -> bool:
    if not _is_number(value) or not isinstance(arg, list) or len(arg) % 2:
        return False
    pairs = zip(arg[::2], arg[1::2])
    return all(op in _NUMERIC and _is_number(bound) and _NUMERIC[op](float(value), float(bound))
               for op, bound in pairs)


def _cidr(arg: Any, value: Any) -> bool:
    try:
        return ipaddress.ip_address(value) in ipaddress.ip_network(arg, strict=False)
    except (TypeError, ValueError):
        return False


_NAMED: dict[str, Callable[[Any, Any], bool]] = {
    "prefix": _text_test(str.startswith), "suffix": _text_test(str.endswith),
    "equals-ignore-case": _ignore_case, "wildcard": _wildcard, "numeric": _numeric,
    "cidr": _cidr}
