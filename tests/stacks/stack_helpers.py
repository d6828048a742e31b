"""Helpers for the stacks' tests: handlers imported from their files, tables, API events."""
from __future__ import annotations

import importlib.util
import itertools
import json
import sys
from pathlib import Path

import boto3

STACKS = Path(__file__).resolve().parents[2] / "stacks"
_serial = itertools.count()


def import_handler(stack: str, function: str):
    """stacks/<stack>/src/<function>/handler.py as a fresh module (every handler is handler.py).

    Its folder is on sys.path while it loads, as the code root is in Lambda, so it can import
    its sibling modules; those are forgotten afterwards so that another function's module of the
    same name (or a later fresh load) is imported afresh.
    """
    folder = STACKS / stack / "src" / function
    name = f"store_{stack.replace('-', '_')}_{function}_{next(_serial)}"
    spec = importlib.util.spec_from_file_location(name, folder / "handler.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    before = set(sys.modules)
    writes, sys.dont_write_bytecode = sys.dont_write_bytecode, True  # keep src/ as deployed
    sys.path.insert(0, str(folder))
    try:
        spec.loader.exec_module(module)
    finally:
        sys.path.remove(str(folder))
        sys.dont_write_bytecode = writes
        for sibling in set(sys.modules) - before:
            if Path(getattr(sys.modules[sibling], "__file__", None) or "/").parent == folder:
                del sys.modules[sibling]
    return module


def make_table(name: str, key: str):
    """A PAY_PER_REQUEST table with a string hash key, as the templates declare them."""
    return boto3.resource("dynamodb").create_table(
        TableName=name, BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[{"AttributeName": key, "AttributeType": "S"}],
        KeySchema=[{"AttributeName": key, "KeyType": "HASH"}])


def api_event(method: str, resource: str, path: str, body: object = None,
              path_parameters: dict | None = None, sub: str | None = "customer-1") -> dict:
    """An API Gateway REST proxy event as a Cognito-authorized request delivers it."""
    authorizer = {"claims": {"sub": sub, "email": f"{sub}@example.com",
                             "token_use": "id"}} if sub else {}
    return {
        "resource": resource, "path": path, "httpMethod": method,
        "headers": {"Content-Type": "application/json",
                    "Host": "abc123.execute-api.us-east-1.amazonaws.com"},
        "queryStringParameters": None, "pathParameters": path_parameters,
        "stageVariables": None, "isBase64Encoded": False,
        "body": body if body is None or isinstance(body, str) else json.dumps(body),
        "requestContext": {"resourcePath": resource, "httpMethod": method, "stage": "v1",
                           "requestId": "c6af9ac6-7b61-11e6-9a41-93e8deadbeef",
                           "accountId": "123456789012", "authorizer": authorizer},
    }
